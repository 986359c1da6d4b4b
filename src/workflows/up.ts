// `kindlab up`: check the typed gates against the target version, work out what the cluster runs
// (building it for --ref), read the user's kind config, and hand one CreateRequest to the provider.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import semver from 'semver';
import type { AppEnv } from '../app/env.js';
import { buildDeps, phasesOf, providerContext } from '../app/env.js';
import { binaryVersion, checkOneSource, describeSource } from '../target/source.js';
import { buildInForm, canExportKubeconfig } from '../cluster/provider.js';
import type { ClusterProfile } from '../cluster/profile.js';
import { kindConfigFeatureGates, validateFeatureGates } from '../cluster/flags.js';
import { UsageError } from '../errors.js';
import { readUserKindConfig } from '../kind/user-config.js';
import type { GateTarget } from '../plan/gates.js';
import type { SourceGates } from '../plan/feature-specs.js';
import { chooseKubeRoot } from '../source/kube-root.js';
import type { ClusterRecord } from '../state/records.js';

export interface UpRequest {
  name: string;
  provider: string;
  profile: ClusterProfile;
  image?: string;
  ref?: string;
  k8sVersion?: string;
  kubeRoot?: string;
  configPath?: string;
  waitSeconds?: number;
  binDir?: string;
  withScheduler?: boolean;
  exportKubeconfig?: boolean;
}

export async function upWorkflow(app: AppEnv, o: UpRequest): Promise<ClusterRecord> {
  checkOneSource(o);
  const descriptor = app.providers.describe(o.provider);
  const caps = descriptor.capabilities;
  const named = o.image ? '--image' : o.k8sVersion ? '--k8s-version' : undefined;
  if (caps.runsFrom === 'binaries' && named) {
    throw new UsageError(`--provider ${o.provider} runs binaries, not node images; ${named} is for a provider that runs node images`, {
      hint: 'use --ref (builds the binaries from your checkout), --bin-dir, or the lab binaries from npm run lab',
    });
  }
  if (o.binDir && caps.runsFrom !== 'binaries') throw new UsageError(`--bin-dir applies to a provider that runs binaries (--provider ${o.provider} runs node images)`);
  const userConfigPath = o.configPath ? resolve(app.cwd, o.configPath) : undefined;
  const userKindConfig = userConfigPath ? readUserKindConfig(userConfigPath) : undefined;
  if (userKindConfig !== undefined && !caps.kindConfig) throw new UsageError(`--config is a kind config; it does not apply to --provider ${o.provider}`);
  if (o.exportKubeconfig && !caps.exportsKubeconfig) throw new UsageError(`--export-kubeconfig does not apply to --provider ${o.provider}`);
  await checkTypedGates(app, o, userKindConfig);

  const phases = phasesOf(app);
  let image = o.image;
  let binDir = o.binDir ? resolve(app.cwd, o.binDir) : undefined;
  let kubernetesVersion: string | undefined;
  let commit: string | undefined;
  const source = o.ref ? { kubeRoot: chooseKubeRoot(o.kubeRoot, app.env, app.cwd), ref: o.ref } : undefined;
  if (source) {
    if (!descriptor.buildFromRef) throw new UsageError(`--provider ${o.provider} cannot build from a ref`);
    const built = await descriptor.buildFromRef(source, buildDeps(app, phases));
    ({ commit, version: kubernetesVersion } = built);
    image = built.image ?? image;
    binDir = built.binDir ?? binDir;
  } else {
    const facts = await describeSource(app, o);
    image = facts?.image ?? image;
    kubernetesVersion = facts?.version;
  }
  if (caps.runsFrom === 'binaries' && !binDir) {
    binDir = descriptor.defaultBinDir?.(app.env);
    if (!binDir) {
      throw new UsageError(`--provider ${o.provider} needs Kubernetes binaries and none were found`, {
        hint: 'build them once with `npm run lab` (from the kindlab checkout), or pass --bin-dir DIR with etcd, kube-apiserver and kube-controller-manager',
      });
    }
  }

  const provider = await app.providers.get(o.provider);
  const ctx = providerContext(app);
  const rec = await phases.run(`create ${o.provider} cluster ${o.name}`, () =>
    provider.create(
      {
        name: o.name,
        profile: o.profile,
        build: buildInForm(caps.runsFrom, { image, binDir }),
        kubernetesVersion,
        commit,
        userConfig: userConfigPath ? { path: userConfigPath, parsed: userKindConfig } : undefined,
        withScheduler: o.withScheduler,
        waitSeconds: o.waitSeconds,
      },
      ctx,
    ),
  );
  if (o.exportKubeconfig && !app.dryRun && canExportKubeconfig(provider)) await provider.exportKubeconfig(rec, ctx);
  return rec;
}

/**
 * The gates of --feature-gates and of --config's featureGates, checked against the target before
 * anything is pulled, built or created (a typo otherwise surfaces as a component that exits).
 */
async function checkTypedGates(app: AppEnv, o: UpRequest, userKindConfig: unknown): Promise<void> {
  const typed = o.profile.featureGates;
  const fromConfig = userKindConfig !== undefined && o.configPath ? kindConfigFeatureGates(userKindConfig, o.configPath) : {};
  if (Object.keys(typed).length === 0 && Object.keys(fromConfig).length === 0) return;
  const notes = validateFeatureGates(
    [
      { origin: '--feature-gates', gates: typed },
      { origin: `featureGates in ${o.configPath}`, gates: fromConfig },
    ],
    await gateTarget(app, o),
  );
  for (const n of notes) app.log.warn(n);
}

/** The version the cluster will run, as far as it can be known without pulling or building. */
async function gateTarget(app: AppEnv, o: UpRequest): Promise<GateTarget> {
  const at = (version: string, description: string, sourceGates?: SourceGates): GateTarget => {
    const v = semver.coerce(version);
    return v ? { minor: v.minor, patch: v.patch, sourceGates, description } : { sourceGates, description };
  };
  const facts = await describeSource(app, o);
  if (facts) return at(facts.version ?? '', facts.description, facts.sourceGates);
  const descriptor = app.providers.describe(o.provider);
  if (descriptor.capabilities.runsFrom === 'binaries') {
    const binDir = o.binDir ? resolve(app.cwd, o.binDir) : descriptor.defaultBinDir?.(app.env);
    if (binDir && existsSync(join(binDir, 'kube-apiserver'))) {
      const v = await binaryVersion(app, binDir);
      return at(v, `${v} (binaries in ${binDir})`);
    }
    return { description: 'the local binaries' };
  }
  return { description: `${o.provider}'s default node image` };
}
