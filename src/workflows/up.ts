// What `up` does after parsing flags: work out the node image (building it for --ref), read the
// user's kind config, and hand one CreateRequest to the chosen provider.
import { UsageError } from '../errors.js';
import { Kind } from '../kind/driver.js';
import { readUserKindConfig } from '../kind/user-config.js';
import { chooseKubeRoot } from '../source/kube-root.js';
import type { ClusterRecord, ProviderName } from '../state/records.js';
import type { Phases } from '../util/phases.js';
import type { CliContext } from '../cli/context.js';
import type { ClusterProfile } from './profile.js';
import { normalizeVersion, releasedNodeImage, versionFromImage } from './image-version.js';
import { getProvider } from './providers.js';
import { resolve } from 'node:path';

export interface CreateClusterOptions {
  name: string;
  provider: ProviderName;
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
  dryRun?: boolean;
  phases: Phases;
}

export async function createCluster(ctx: CliContext, o: CreateClusterOptions): Promise<ClusterRecord> {
  const userConfigPath = o.configPath ? resolve(ctx.cwd, o.configPath) : undefined;
  const userKindConfig = userConfigPath ? readUserKindConfig(userConfigPath) : undefined;
  if (userKindConfig !== undefined && o.provider !== 'kind') {
    throw new UsageError('--config is a kind config; it does not apply to --provider local');
  }

  let image = o.image;
  let kubernetesVersion: string | undefined;
  let commit: string | undefined;
  if (o.k8sVersion) {
    kubernetesVersion = normalizeVersion(o.k8sVersion);
    image = releasedNodeImage(kubernetesVersion);
  } else if (o.ref && o.provider === 'local') {
    const { buildComponents } = await import('../source/build-components.js');
    const built = await buildComponents(
      { kubeRoot: chooseKubeRoot(o.kubeRoot, ctx.env, ctx.cwd), ref: o.ref },
      { runner: ctx.runner, store: ctx.store, phases: o.phases, signal: ctx.signal, env: ctx.env },
    );
    o = { ...o, binDir: built.binDir };
    commit = built.commit;
    kubernetesVersion = built.gitVersion;
  } else if (o.ref) {
    const { buildNodeImage } = await import('../source/build-image.js');
    const built = await buildNodeImage(
      { kubeRoot: chooseKubeRoot(o.kubeRoot, ctx.env, ctx.cwd), ref: o.ref },
      { runner: ctx.runner, store: ctx.store, phases: o.phases, signal: ctx.signal, dryRun: o.dryRun },
    );
    image = built.image;
    commit = built.commit;
    kubernetesVersion = versionFromImage(built.image);
  } else if (image) {
    kubernetesVersion = versionFromImage(image);
  }

  let binDir = o.binDir ? resolve(ctx.cwd, o.binDir) : undefined;
  if (o.provider === 'local' && !binDir) {
    const { defaultLabBinDir } = await import('./local/provider.js');
    binDir = defaultLabBinDir();
    if (!binDir) {
      throw new UsageError('--provider local needs Kubernetes binaries and none were found', {
        hint: 'build them once with `npm run lab` (from the kindlab checkout), or pass --bin-dir DIR with etcd, kube-apiserver and kube-controller-manager',
      });
    }
  }

  const provider = await getProvider(o.provider);
  const rec = await o.phases.run(`create ${o.provider} cluster ${o.name}`, () =>
    provider.create(
      {
        name: o.name,
        profile: o.profile,
        image,
        kubernetesVersion,
        commit,
        userKindConfig,
        userKindConfigPath: userConfigPath,
        binDir,
        withScheduler: o.withScheduler,
        waitSeconds: o.waitSeconds,
      },
      { runner: ctx.runner, store: ctx.store, log: ctx.log, signal: ctx.signal, dryRun: o.dryRun, print: (t) => ctx.io.stdout(`${t}\n`) },
    ),
  );
  if (o.exportKubeconfig && !o.dryRun) {
    if (o.provider !== 'kind') throw new UsageError('--export-kubeconfig works with the kind provider only');
    await new Kind(ctx.runner, ctx.signal).exportKubeconfig(o.name);
  }
  return rec;
}
