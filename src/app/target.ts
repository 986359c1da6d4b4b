// The one target resolver: works out what `plan`, `test`, `matrix` and `bisect` target (and,
// through describeSource, what `up` checks gates against): the Kubernetes version, the gates that
// exist there (from the checkout's source for a ref), which providers can create clusters on this
// machine, and the node image kind clusters are created from.
//
// A run has one target version, and every cluster it creates runs it:
//   --ref         local clusters run components built from the ref, kind clusters a node image
//                 built from it;
//   --image       kind clusters run that image; --k8s-version: kind's published image;
//   neither       the version of the local binaries (--bin-dir, else the lab's); kind clusters run
//                 a node image of exactly that version: one kindlab built, else kindest/node:<v> if
//                 docker already has it, else an error before anything is created.
// Local binaries of another version than --image/--k8s-version are used only as an explicit
// choice (--image beside local binaries, or --bin-dir): the run then has two versions, one per
// provider, and says so (plan, run header). Otherwise the local provider is not used.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import type { AppEnv } from './env.js';
import { providerContext } from './env.js';
import { getProvider, PROVIDERS, providerWith } from '../cluster/providers.js';
import { UsageError } from '../errors.js';
import { decide, plan, type Plan, type PlanSkip, type PlanTarget } from '../plan/planner.js';
import type { Scenario } from '../scenario/types.js';
import type { SourceGates } from '../plan/feature-specs.js';
import { releaseFeatureSpecs, treeFeatureSpecs } from '../source/feature-source.js';
import { normalizeVersion, releasedNodeImage, versionFromImage } from '../cluster/image-version.js';
import type { MissingImage } from '../cluster/node-image.js';

export interface TargetFlags {
  /** 'auto', or a provider's name. */
  provider: string;
  ref?: string;
  image?: string;
  k8sVersion?: string;
  kubeRoot?: string;
  binDir?: string;
}

export interface ProviderTarget {
  /** e.g. '1.37.2' (no leading v, as PlanTarget.version). */
  version: string;
  description: string;
}

export interface ResolvedTarget {
  target: PlanTarget;
  /** kind: the node image every kind cluster is created from. */
  image?: string;
  /** How that image was chosen (for the plan and the run header). */
  imageSource?: string;
  /** kind clusters have no image of the target version: the error once one is planned. */
  imageMissing?: MissingImage;
  binDir?: string;
  commit?: string;
  /**
   * Clusters of the binaries provider and of the node-image provider run different versions (an
   * explicit choice), keyed by provider name; undefined otherwise.
   */
  split?: Record<string, ProviderTarget>;
}

/** The provider that runs binaries from this machine (local) and the one that runs node images (kind). */
export const BINARIES = providerWith((c) => c.runsFrom === 'binaries')!.name;
export const NODE_IMAGE = providerWith((c) => c.runsFrom === 'node-image')!.name;

/** The one check that a target is named at most once. */
export function checkOneSource(f: { ref?: string; image?: string; k8sVersion?: string }): void {
  const given = [f.ref && '--ref', f.image && '--image', f.k8sVersion && '--k8s-version'].filter(Boolean);
  if (given.length > 1) throw new UsageError(`give only one of --ref, --image, --k8s-version (got ${given.join(', ')})`);
}

export async function binaryVersion(ctx: AppEnv, binDir: string): Promise<string> {
  const r = await ctx.runner.run(join(binDir, 'kube-apiserver'), ['--version'], { signal: ctx.signal });
  const v = /v\d+\.\d+\.\d+\S*/.exec(r.stdout)?.[0];
  if (!v) throw new UsageError(`cannot read the version of ${join(binDir, 'kube-apiserver')}: ${r.stdout.trim()}`);
  return v;
}

const withV = (v: string): string => (v.startsWith('v') ? v : `v${v}`);
const planVersion = (v: string): string => semver.coerce(v)!.version;
/** Same Kubernetes version (v-prefix aside). */
const sameVersion = (a: string, b: string): boolean => a.replace(/^v/, '') === b.replace(/^v/, '');

/**
 * `build`: whether to build what a ref needs (test) or only read the checkout (plan).
 */
export async function resolveTarget(ctx: AppEnv, f: TargetFlags, build: boolean, phases?: import('../util/phases.js').Phases): Promise<ResolvedTarget> {
  checkOneSource(f);
  if (f.provider !== 'auto' && !PROVIDERS.some((p) => p.name === f.provider)) {
    throw new UsageError(`unknown provider "${f.provider}"`, { hint: `give auto or one of ${PROVIDERS.map((p) => p.name).join(', ')}` });
  }
  const { defaultLabBinDir } = await import('../cluster/local/provider.js');
  const { chooseKubeRoot } = await import('../source/kube-root.js');
  let binDir = f.binDir ?? (f.ref ? undefined : defaultLabBinDir(ctx.env));
  const kind = f.provider === BINARIES ? `not selected (--provider ${BINARIES})` : await (await getProvider(NODE_IMAGE)).available(providerContext(ctx));

  // What the user named: a ref, an image or a released version (the kind side, and for a ref both).
  const facts = await describeSource(ctx, f);
  const named = facts?.version ? { version: facts.version, description: facts.description } : undefined;
  let image = facts?.image;
  let imageSource = facts?.imageSource;
  const commit = facts?.commit;
  let sourceGates = facts?.sourceGates;
  let localFromRef: true | undefined;
  if (f.ref && named) {
    const kubeRoot = chooseKubeRoot(f.kubeRoot, ctx.env, ctx.cwd);
    if (build && phases) {
      if (f.provider !== NODE_IMAGE) {
        const { buildComponents } = await import('../source/build-components.js');
        binDir = (await buildComponents({ kubeRoot, ref: f.ref }, { runner: ctx.runner, store: ctx.store, phases, signal: ctx.signal, env: ctx.env })).binDir;
        localFromRef = true;
      }
      image = undefined;
      if (f.provider !== BINARIES && kind === true) {
        const { buildNodeImage } = await import('../source/build-image.js');
        image = (await buildNodeImage({ kubeRoot, ref: f.ref }, { runner: ctx.runner, store: ctx.store, phases, signal: ctx.signal, env: ctx.env })).image;
      }
    } else {
      imageSource = `to be built from ${named.description} by kindlab test`;
      // kindlab test builds the components from the ref (or uses --bin-dir).
      if (f.provider !== NODE_IMAGE && !f.binDir) localFromRef = true;
    }
  }

  // The local side: binaries and their version.
  const haveBinaries = Boolean(binDir && existsSync(join(binDir, 'kube-apiserver')));
  let localVersion: string | undefined;
  if (localFromRef === true && named) localVersion = named.version;
  else if (haveBinaries && (f.provider !== NODE_IMAGE || !named)) localVersion = await binaryVersion(ctx, binDir!);
  const localDescription = localFromRef === true ? named?.description ?? '' : `${localVersion} (binaries in ${binDir})`;

  const version = named?.version ?? localVersion;
  if (!version || !semver.coerce(version)) {
    throw new UsageError('cannot tell which Kubernetes version to target', {
      hint: 'give --k8s-version v1.33.1, --image, --ref, or --provider local with binaries from npm run lab',
    });
  }

  let local: true | string;
  let split: ResolvedTarget['split'];
  let description = named?.description ?? localDescription;
  let targetVersion = version;
  if (f.provider === NODE_IMAGE) local = `not selected (--provider ${NODE_IMAGE})`;
  else if (localFromRef === true) local = true;
  else if (!haveBinaries || !localVersion) local = 'no local binaries (run npm run lab, or pass --bin-dir)';
  else if (!named || sameVersion(localVersion, named.version)) local = true;
  else if (f.image || f.binDir) {
    // Explicit: --image beside local binaries, or --bin-dir beside --k8s-version.
    local = true;
    if (f.provider === BINARIES) {
      targetVersion = localVersion;
      description = localDescription;
    } else {
      split = {
        [BINARIES]: { version: planVersion(localVersion), description: localDescription },
        [NODE_IMAGE]: { version: planVersion(named.version), description: `${withV(named.version)} (image ${image})` },
      };
      description = `${BINARIES}: ${localDescription}, ${NODE_IMAGE}: ${split[NODE_IMAGE]!.description}`;
    }
  } else {
    local = `the local binaries are ${withV(localVersion)}, not the target ${withV(named.version)} (pass --bin-dir to use binaries of another version anyway)`;
  }

  // kind clusters of a version that came from binaries: find a node image of exactly that version.
  let imageMissing: MissingImage | undefined;
  if (!named && !f.ref && !f.image && f.provider !== BINARIES) {
    try {
      const { findNodeImage } = await import('../cluster/node-image.js');
      const { Docker } = await import('../docker/docker.js');
      const found = await findNodeImage(version, ctx.store, new Docker(ctx.runner, ctx.signal));
      if (found) {
        image = found.image;
        imageSource = found.source;
      } else {
        imageMissing = { version: withV(version) };
      }
    } catch (e) {
      imageMissing = { version: withV(version), lookupError: (e as Error).message.split('\n')[0] };
    }
  }

  // binaries of a release (the lab's): that release's specs, when its modules are at hand
  sourceGates ??= releaseFeatureSpecs(ctx.env, withV(targetVersion));
  const host = kind === true ? await kindHostFacts(ctx, image) : undefined;
  return {
    target: {
      version: planVersion(targetVersion),
      description,
      sourceGates,
      providers: { [BINARIES]: local, [NODE_IMAGE]: kind },
      forceProvider: f.provider === 'auto' ? undefined : f.provider,
      host,
    },
    image,
    imageSource,
    imageMissing,
    binDir,
    commit,
    split,
  };
}

export interface SourceFacts {
  /** e.g. 'v1.37.2' or 'v1.38.0-alpha.0.12+abc' (no version for an image whose tag says none). */
  version?: string;
  description: string;
  /** A ref: the commit. */
  commit?: string;
  /** The target's feature specs: a ref's commit, or a release's modules when the Go module cache has them. */
  sourceGates?: SourceGates;
  /** The node image kind clusters run (for a ref: the tag its build will have). */
  image?: string;
  imageSource?: string;
}

/**
 * What the user named (--ref, --image or --k8s-version), read without building or pulling
 * anything: its version, the gates of a ref's commit, the node image. Undefined when none was named.
 */
export async function describeSource(ctx: AppEnv, f: { ref?: string; image?: string; k8sVersion?: string; kubeRoot?: string }): Promise<SourceFacts | undefined> {
  checkOneSource(f);
  if (f.ref) {
    const { chooseKubeRoot } = await import('../source/kube-root.js');
    const kubeRoot = chooseKubeRoot(f.kubeRoot, ctx.env, ctx.cwd);
    const { Git } = await import('../source/git.js');
    const { resolveSource } = await import('../source/build-image.js');
    const src = await resolveSource({ kubeRoot, ref: f.ref }, new Git(ctx.runner, kubeRoot.path, ctx.signal));
    const version = versionFromImage(src.image);
    if (!version) throw new UsageError(`cannot tell which Kubernetes version ${f.ref} is: git describe says ${src.describe}`, { hint: 'fetch the tags of the checkout (git fetch --tags), or give --image or --k8s-version' });
    return {
      version,
      description: `${f.ref} (${src.describe})`,
      commit: src.commit,
      sourceGates: await treeFeatureSpecs(ctx.runner, kubeRoot.path, src.commit, ctx.signal),
      image: src.image,
      imageSource: `built from ${f.ref} (${src.describe})`,
    };
  }
  if (f.image) return { version: versionFromImage(f.image), description: f.image, image: f.image, imageSource: '--image' };
  if (f.k8sVersion) {
    const v = normalizeVersion(f.k8sVersion);
    return { version: v, description: v, sourceGates: releaseFeatureSpecs(ctx.env, v), image: releasedNodeImage(v), imageSource: `kind's published image of ${v}` };
  }
  return undefined;
}

/** The Kubernetes version (no leading v) clusters of this provider run. */
export function providerVersion(r: ResolvedTarget, provider: string): string {
  return r.split?.[provider]?.version ?? r.target.version;
}

/**
 * The plan of a run. One version: the planner as is. Two versions (an explicit choice): each
 * scenario runs on a local cluster of the local version when it can, else on a kind cluster of
 * the kind version; a scenario neither can run is skipped with both reasons.
 */
export function planRun(scenarios: readonly Scenario[], r: ResolvedTarget, namePrefix = 'kindlab'): Plan {
  if (!r.split) return plan(scenarios, r.target, namePrefix);
  const side = (p: string): PlanTarget => ({ ...r.target, version: r.split![p]!.version, description: r.split![p]!.description, forceProvider: p });
  // An API scenario with a node part goes where its node part runs, when that side can take it.
  const nodeSide = side(NODE_IMAGE);
  const toNodes = new Set(r.target.providers[NODE_IMAGE] === true ? scenarios.filter((s) => s.requires?.nodePart && decide(s, nodeSide).ok).map((s) => s.id) : []);
  const lp = plan(scenarios.filter((s) => !toNodes.has(s.id)), side(BINARIES), namePrefix);
  const localSkips = new Map(lp.skips.map((s) => [s.id, s]));
  const kp = plan(
    scenarios.filter((s) => toNodes.has(s.id) || localSkips.has(s.id)),
    nodeSide,
    namePrefix,
  );
  const clusters = [...lp.clusters, ...kp.clusters.map((c, i) => ({ ...c, name: `${namePrefix}-${lp.clusters.length + i + 1}` }))];
  // Each side is planned as if forced onto its provider; the user did not pass --provider.
  const unforced = (reason: string): string => reason.replace(/^--provider (\S+) cannot run here/, '$1 cannot run here');
  const skips = kp.skips.map((sk): PlanSkip => {
    const k = { ...sk, reason: unforced(sk.reason) };
    const s = scenarios.find((x) => x.id === k.id);
    const local = localSkips.get(k.id)!;
    const lr = unforced(local.reason);
    // Scenarios that need nodes can only ever run on kind: its reason is the one that matters.
    if (s?.requires?.needs === 'node' || lr === k.reason) return k;
    // A verdict only when neither side could have run it for a reason of this machine.
    const kind = local.kind === 'verdict' && k.kind === 'verdict' ? 'verdict' : 'environment';
    return { id: k.id, kind, reason: `${BINARIES} (v${r.split![BINARIES]!.version}): ${lr}; ${NODE_IMAGE} (v${r.split![NODE_IMAGE]!.version}): ${k.reason}` };
  });
  const order = new Map(scenarios.map((s, i) => [s.id, i]));
  skips.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  return { target: r.target, clusters, skips, notes: [...new Set([...lp.notes, ...kp.notes])] };
}

/**
 * What kind nodes would run on: docker's host (kernel, cgroup version) and the node image's own
 * containerd. Read-only probes; a fact that cannot be read stays unknown for the planner.
 */
async function kindHostFacts(ctx: AppEnv, image: string | undefined): Promise<import('../plan/host.js').HostFacts | undefined> {
  const { hostFactsFromDockerInfo, parseContainerdVersion } = await import('../plan/host.js');
  const info = await ctx.runner.run('docker', ['info', '--format', '{{json .}}'], { signal: ctx.signal, allowFailure: true }).catch(() => undefined);
  if (!info || info.exitCode !== 0) return undefined;
  let runtime: ReturnType<typeof parseContainerdVersion>;
  if (image) {
    const v = await ctx.runner
      .run('docker', ['run', '--rm', '--entrypoint', 'containerd', image, '--version'], { signal: ctx.signal, allowFailure: true, timeoutMs: 30_000 })
      .catch(() => undefined);
    if (v?.exitCode === 0) runtime = parseContainerdVersion(v.stdout);
  }
  try {
    return hostFactsFromDockerInfo(JSON.parse(info.stdout), runtime);
  } catch {
    return undefined;
  }
}
