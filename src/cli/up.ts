// `kindlab up`: create a cluster from an image, a ref (built first) or a released version, shaped
// by flags; providers do the work (src/cluster/kind, src/cluster/local).
import type { Command } from 'commander';
import { Option } from 'commander';
import { UsageError } from '../errors.js';
import { emptyProfile, type ClusterProfile } from '../cluster/profile.js';
import { kindConfigFeatureGates, parseDuration, parseFeatureGates, parseRuntimeConfig, parseWorkers, validateClusterName, validateFeatureGates } from '../cluster/flags.js';
import type { GateTarget } from '../plan/gates.js';
import type { CliContext } from './context.js';
import { dryRunContext } from './dry-run.js';
import type { CommandModule } from './main.js';
import { createPhases } from '../util/phases.js';
import type { ProviderName } from '../state/records.js';

export interface UpFlags {
  name: string;
  provider: ProviderName;
  image?: string;
  ref?: string;
  k8sVersion?: string;
  kubeRoot?: string;
  featureGates?: string;
  runtimeConfig?: string;
  workers?: string;
  config?: string;
  wait?: string;
  exportKubeconfig?: boolean;
  binDir?: string;
  withScheduler?: boolean;
  dryRun?: boolean;
  output?: string;
}

export const register: CommandModule['register'] = (program: Command, run) => {
  program
    .command('up')
    .description('create a cluster (kind by default, or the local control-plane provider)')
    .option('--name <name>', 'cluster name', 'kindlab')
    .addOption(new Option('--provider <provider>', 'kind: real nodes; local: etcd + kube-apiserver + controller-manager on loopback').choices(['kind', 'local']).default('kind'))
    .option('--image <image>', 'kind node image to use')
    .option('--ref <ref>', 'build a node image from this Kubernetes ref first (see kindlab build)')
    .option('--k8s-version <version>', "use kind's published node image for a released version, e.g. v1.33.1")
    .option('--kube-root <dir>', 'Kubernetes checkout for --ref (default: $KUBE_ROOT, else the current directory)')
    .option('--feature-gates <list>', 'feature gates for every component, e.g. A=true,B=false')
    .option('--runtime-config <list>', 'kube-apiserver --runtime-config, e.g. batch/v2alpha1=true')
    .option('--workers <n>', 'worker nodes (kind)')
    .option('--config <file>', 'your own kind config, merged with what kindlab renders (conflicts are errors)')
    .option('--wait <duration>', 'wait for the control plane to be ready, e.g. 120s', '120s')
    .option('--export-kubeconfig', 'also merge the kubeconfig into $KUBECONFIG or ~/.kube/config (kind provider)')
    .option('--bin-dir <dir>', 'local provider: folder with etcd, kube-apiserver, kube-controller-manager (default: the lab cache from npm run lab)')
    .option('--with-scheduler', 'local provider: also run kube-scheduler')
    .option('--dry-run', 'print the commands and the rendered kind config, do nothing')
    .option('-o, --output <format>', 'text or json', 'text')
    .addHelpText(
      'after',
      `
Examples:
  kindlab up --k8s-version v1.33.1 --feature-gates UserNamespacesSupport=true
  kindlab up --ref v1.34.0 --kube-root ~/src/kubernetes --workers 2
  kindlab up --image kindlab/node:v1.35.0 --runtime-config admissionregistration.k8s.io/v1beta1=true
  kindlab up --config my-kind.yaml --name dev --dry-run
  kindlab up --provider local --feature-gates MutatingAdmissionPolicy=true

Feature gates (--feature-gates, and featureGates in --config) are checked against the target version
before anything is pulled, built or created: kindlab's gate table for a released version, the
checkout's pkg/features for --ref. A misspelt name gets the right one suggested; a gate that does not
exist yet or was removed says when; a GA gate locked on cannot be set false (exit 2).

The kubeconfig is written to $KINDLAB_HOME/clusters/<name>/kubeconfig (mode 0600) next to the
rendered kind-config.yaml; ~/.kube/config is only touched with --export-kubeconfig.
Ctrl-C while creating deletes the half-created cluster.`,
    )
    .action(run(async () => handler));
};

async function handler(ctx: CliContext, flags: UpFlags): Promise<number> {
  const name = validateClusterName(flags.name);
  const sources = [flags.image && '--image', flags.ref && '--ref', flags.k8sVersion && '--k8s-version'].filter(Boolean);
  if (sources.length > 1) throw new UsageError(`give only one of --image, --ref, --k8s-version (got ${sources.join(', ')})`);
  if (flags.provider === 'local' && (flags.image || flags.k8sVersion)) {
    throw new UsageError(`--provider local runs binaries, not node images; ${sources[0]} is for the kind provider`, {
      hint: 'use --ref (builds the binaries from your checkout), --bin-dir, or the lab binaries from npm run lab',
    });
  }
  if (flags.binDir && flags.provider !== 'local') throw new UsageError('--bin-dir applies to --provider local only');
  const profile: ClusterProfile = {
    ...emptyProfile(),
    featureGates: parseFeatureGates(flags.featureGates),
    runtimeConfig: parseRuntimeConfig(flags.runtimeConfig),
    workers: parseWorkers(flags.workers),
  };
  const waitSeconds = parseDuration(flags.wait, '--wait');
  await checkTypedGates(ctx, flags, profile.featureGates);
  const { createCluster } = await import('../cluster/create.js');
  const c = flags.dryRun ? dryRunContext(ctx) : ctx;
  const rec = await createCluster(c, {
    name,
    provider: flags.provider,
    profile,
    image: flags.image,
    ref: flags.ref,
    k8sVersion: flags.k8sVersion,
    kubeRoot: flags.kubeRoot,
    configPath: flags.config,
    waitSeconds,
    binDir: flags.binDir,
    withScheduler: flags.withScheduler,
    exportKubeconfig: flags.exportKubeconfig,
    dryRun: flags.dryRun,
    phases: createPhases(ctx.io.stderr, ctx.color),
  });
  if (flags.dryRun) return 0;
  if (flags.output === 'json') {
    ctx.io.stdout(JSON.stringify(rec, null, 2) + '\n');
    return 0;
  }
  ctx.io.stdout(
    [
      `cluster "${rec.name}" is ready (${rec.provider}${rec.kubernetesVersion ? `, ${rec.kubernetesVersion}` : ''})`,
      `  kubeconfig:  ${rec.kubeconfig}`,
      ...(rec.configFile ? [`  kind config: ${rec.configFile}`] : []),
      '',
      'Use it:',
      `  export KUBECONFIG=${rec.kubeconfig}`,
      rec.provider === 'local' ? `  kubectl get namespaces      # local provider: a control plane, no nodes` : `  kubectl get nodes`,
      `Delete it: kindlab down ${rec.name}`,
      '',
    ].join('\n'),
  );
  return 0;
}

/**
 * The gates of --feature-gates and of --config's featureGates, checked against the target before
 * anything is pulled, built or created (a typo otherwise surfaces as a component that exits).
 */
async function checkTypedGates(ctx: CliContext, flags: UpFlags, typed: Record<string, boolean>): Promise<void> {
  let fromConfig: Record<string, boolean> = {};
  if (flags.config) {
    const { readUserKindConfig } = await import('../kind/user-config.js');
    const { resolve } = await import('node:path');
    fromConfig = kindConfigFeatureGates(readUserKindConfig(resolve(ctx.cwd, flags.config)), flags.config);
  }
  if (Object.keys(typed).length === 0 && Object.keys(fromConfig).length === 0) return;
  const at = await gateTarget(ctx, flags);
  const notes = validateFeatureGates(
    [
      { origin: '--feature-gates', gates: typed },
      { origin: `featureGates in ${flags.config}`, gates: fromConfig },
    ],
    at,
  );
  for (const n of notes) ctx.log.warn(n);
}

/** The version the cluster will run, as far as it can be known without pulling or building. */
async function gateTarget(ctx: CliContext, flags: UpFlags): Promise<GateTarget> {
  const semver = (await import('semver')).default;
  const at = (version: string, description: string, sourceGates?: Set<string>): GateTarget => {
    const v = semver.coerce(version);
    return v ? { minor: v.minor, patch: v.patch, sourceGates, description } : { sourceGates, description };
  };
  if (flags.k8sVersion) {
    const { normalizeVersion } = await import('../cluster/image-version.js');
    const v = normalizeVersion(flags.k8sVersion);
    return at(v, v);
  }
  if (flags.ref) {
    const { chooseKubeRoot } = await import('../source/kube-root.js');
    const { Git } = await import('../source/git.js');
    const { resolveSource } = await import('../source/build-image.js');
    const { sourceGatesAt } = await import('../scenario/target.js');
    const { versionFromImage } = await import('../cluster/image-version.js');
    const kubeRoot = chooseKubeRoot(flags.kubeRoot, ctx.env, ctx.cwd);
    const src = await resolveSource({ kubeRoot, ref: flags.ref }, new Git(ctx.runner, kubeRoot.path, ctx.signal));
    const gates = await sourceGatesAt(ctx, kubeRoot.path, src.commit);
    return at(versionFromImage(src.image) ?? '', `${flags.ref} (${src.describe})`, gates);
  }
  if (flags.image) {
    const { versionFromImage } = await import('../cluster/image-version.js');
    return at(versionFromImage(flags.image) ?? '', flags.image);
  }
  if (flags.provider === 'local') {
    const { existsSync } = await import('node:fs');
    const { join, resolve } = await import('node:path');
    const { defaultLabBinDir } = await import('../cluster/local/provider.js');
    const { binaryVersion } = await import('../scenario/target.js');
    const binDir = flags.binDir ? resolve(ctx.cwd, flags.binDir) : defaultLabBinDir(ctx.env);
    if (binDir && existsSync(join(binDir, 'kube-apiserver'))) {
      const v = await binaryVersion(ctx, binDir);
      return at(v, `${v} (binaries in ${binDir})`);
    }
    return { description: 'the local binaries' };
  }
  return { description: "kind's default node image" };
}
