// Works out what `plan` and `test` target: the Kubernetes version, the gates that exist there
// (from the checkout's source for a ref), which providers can create clusters on this machine,
// and the node image kind clusters are created from.
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
import type { CliContext } from '../cli/context.js';
import { UsageError } from '../errors.js';
import { plan, type Plan, type PlanTarget } from '../plan/planner.js';
import type { Scenario } from './types.js';
import { parseSourceGates } from '../plan/gates.js';
import { normalizeVersion, versionFromImage } from '../cluster/image-version.js';
import type { MissingImage } from '../cluster/node-image.js';

export interface TargetFlags {
  provider: 'auto' | 'local' | 'kind';
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
  /** Local and kind clusters run different versions (an explicit choice); undefined otherwise. */
  split?: { local: ProviderTarget; kind: ProviderTarget };
}

async function kindUsable(ctx: CliContext): Promise<true | string> {
  try {
    const { Kind } = await import('../kind/driver.js');
    const { Docker } = await import('../docker/docker.js');
    await new Kind(ctx.runner, ctx.signal).requireVersion();
    await new Docker(ctx.runner, ctx.signal).requireDaemon();
    return true;
  } catch (e) {
    return (e as Error).message;
  }
}

export async function binaryVersion(ctx: CliContext, binDir: string): Promise<string> {
  const r = await ctx.runner.run(join(binDir, 'kube-apiserver'), ['--version'], { signal: ctx.signal });
  const v = /v\d+\.\d+\.\d+\S*/.exec(r.stdout)?.[0];
  if (!v) throw new UsageError(`cannot read the version of ${join(binDir, 'kube-apiserver')}: ${r.stdout.trim()}`);
  return v;
}

/** Gates declared at a commit, read with `git show` (the checkout is not touched). */
export async function sourceGatesAt(ctx: CliContext, kubeRoot: string, commit: string): Promise<Set<string> | undefined> {
  const files = ['pkg/features/kube_features.go', 'staging/src/k8s.io/apiserver/pkg/features/kube_features.go', 'staging/src/k8s.io/apiextensions-apiserver/pkg/features/kube_features.go', 'staging/src/k8s.io/controller-manager/pkg/features/kube_features.go'];
  const gates = new Set<string>();
  let found = false;
  for (const f of files) {
    const r = await ctx.runner.run('git', ['-C', kubeRoot, 'show', `${commit}:${f}`], { allowFailure: true, signal: ctx.signal });
    if (r.exitCode !== 0) continue;
    found = true;
    for (const g of parseSourceGates(r.stdout)) gates.add(g);
  }
  return found ? gates : undefined;
}

const withV = (v: string): string => (v.startsWith('v') ? v : `v${v}`);
const planVersion = (v: string): string => semver.coerce(v)!.version;
/** Same Kubernetes version (v-prefix aside). */
const sameVersion = (a: string, b: string): boolean => a.replace(/^v/, '') === b.replace(/^v/, '');

/**
 * `build`: whether to build what a ref needs (test) or only read the checkout (plan).
 */
export async function resolveTarget(ctx: CliContext, f: TargetFlags, build: boolean, phases?: import('../util/phases.js').Phases): Promise<ResolvedTarget> {
  const given = [f.ref && '--ref', f.image && '--image', f.k8sVersion && '--k8s-version'].filter(Boolean);
  if (given.length > 1) throw new UsageError(`give only one of --ref, --image, --k8s-version (got ${given.join(', ')})`);
  const { defaultLabBinDir } = await import('../cluster/local/provider.js');
  const { chooseKubeRoot } = await import('../source/kube-root.js');
  let binDir = f.binDir ?? (f.ref ? undefined : defaultLabBinDir(ctx.env));
  const kind = f.provider === 'local' ? 'not selected (--provider local)' : await kindUsable(ctx);

  // What the user named: a ref, an image or a released version (the kind side, and for a ref both).
  let named: { version: string; description: string } | undefined;
  let image: string | undefined;
  let imageSource: string | undefined;
  let commit: string | undefined;
  let sourceGates: Set<string> | undefined;
  let localFromRef: true | string | undefined;

  if (f.ref) {
    const kubeRoot = chooseKubeRoot(f.kubeRoot, ctx.env, ctx.cwd);
    const { Git } = await import('../source/git.js');
    const { resolveSource } = await import('../source/build-image.js');
    const src = await resolveSource({ kubeRoot, ref: f.ref }, new Git(ctx.runner, kubeRoot.path, ctx.signal));
    commit = src.commit;
    sourceGates = await sourceGatesAt(ctx, kubeRoot.path, src.commit);
    const v = versionFromImage(src.image);
    if (!v) throw new UsageError(`cannot tell which Kubernetes version ${f.ref} is: git describe says ${src.describe}`, { hint: 'fetch the tags of the checkout (git fetch --tags), or give --image or --k8s-version' });
    named = { version: v, description: `${f.ref} (${src.describe})` };
    imageSource = `built from ${f.ref} (${src.describe})`;
    if (build && phases) {
      if (f.provider !== 'kind') {
        const { buildComponents } = await import('../source/build-components.js');
        binDir = (await buildComponents({ kubeRoot, ref: f.ref }, { runner: ctx.runner, store: ctx.store, phases, signal: ctx.signal, env: ctx.env })).binDir;
        localFromRef = true;
      }
      if (f.provider !== 'local' && kind === true) {
        const { buildNodeImage } = await import('../source/build-image.js');
        image = (await buildNodeImage({ kubeRoot, ref: f.ref }, { runner: ctx.runner, store: ctx.store, phases, signal: ctx.signal })).image;
      }
    } else {
      image = src.image;
      imageSource = `to be built from ${f.ref} (${src.describe}) by kindlab test`;
      // kindlab test builds the components from the ref (or uses --bin-dir).
      if (f.provider !== 'kind' && !f.binDir) localFromRef = true;
    }
  } else if (f.image) {
    image = f.image;
    imageSource = '--image';
    const v = versionFromImage(f.image);
    if (v) named = { version: v, description: f.image };
  } else if (f.k8sVersion) {
    const v = normalizeVersion(f.k8sVersion);
    image = `kindest/node:${v}`;
    imageSource = `kind's published image of ${v}`;
    named = { version: v, description: v };
  }

  // The local side: binaries and their version.
  const haveBinaries = Boolean(binDir && existsSync(join(binDir, 'kube-apiserver')));
  let localVersion: string | undefined;
  if (localFromRef === true && named) localVersion = named.version;
  else if (haveBinaries && (f.provider !== 'kind' || !named)) localVersion = await binaryVersion(ctx, binDir!);
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
  if (f.provider === 'kind') local = 'not selected (--provider kind)';
  else if (localFromRef === true) local = true;
  else if (!haveBinaries || !localVersion) local = 'no local binaries (run npm run lab, or pass --bin-dir)';
  else if (!named || sameVersion(localVersion, named.version)) local = true;
  else if (f.image || f.binDir) {
    // Explicit: --image beside local binaries, or --bin-dir beside --k8s-version.
    local = true;
    if (f.provider === 'local') {
      targetVersion = localVersion;
      description = localDescription;
    } else {
      split = {
        local: { version: planVersion(localVersion), description: localDescription },
        kind: { version: planVersion(named.version), description: `${withV(named.version)} (image ${image})` },
      };
      description = `local: ${localDescription}, kind: ${split.kind.description}`;
    }
  } else {
    local = `the local binaries are ${withV(localVersion)}, not the target ${withV(named.version)} (pass --bin-dir to use binaries of another version anyway)`;
  }

  // kind clusters of a version that came from binaries: find a node image of exactly that version.
  let imageMissing: MissingImage | undefined;
  if (!named && !f.ref && f.provider !== 'local') {
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

  const host = kind === true ? await kindHostFacts(ctx, image) : undefined;
  return {
    target: {
      version: planVersion(targetVersion),
      description,
      sourceGates,
      providers: { local, kind },
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

/** The Kubernetes version (no leading v) clusters of this provider run. */
export function providerVersion(r: ResolvedTarget, provider: 'local' | 'kind'): string {
  return r.split ? r.split[provider].version : r.target.version;
}

/**
 * The plan of a run. One version: the planner as is. Two versions (an explicit choice): each
 * scenario runs on a local cluster of the local version when it can, else on a kind cluster of
 * the kind version; a scenario neither can run is skipped with both reasons.
 */
export function planRun(scenarios: readonly Scenario[], r: ResolvedTarget, namePrefix = 'kindlab'): Plan {
  if (!r.split) return plan(scenarios, r.target, namePrefix);
  const side = (p: 'local' | 'kind'): PlanTarget => ({ ...r.target, version: r.split![p].version, description: r.split![p].description, forceProvider: p });
  const lp = plan(scenarios, side('local'), namePrefix);
  const localReasons = new Map(lp.skips.map((s) => [s.id, s.reason]));
  const kp = plan(
    scenarios.filter((s) => localReasons.has(s.id)),
    side('kind'),
    namePrefix,
  );
  const clusters = [...lp.clusters, ...kp.clusters.map((c, i) => ({ ...c, name: `${namePrefix}-${lp.clusters.length + i + 1}` }))];
  // Each side is planned as if forced onto its provider; the user did not pass --provider.
  const unforced = (reason: string): string => reason.replace(/^--provider (kind|local) cannot run here/, '$1 cannot run here');
  const skips = kp.skips.map((sk) => {
    const k = { id: sk.id, reason: unforced(sk.reason) };
    const s = scenarios.find((x) => x.id === k.id);
    const lr = unforced(localReasons.get(k.id)!);
    // Scenarios that need nodes can only ever run on kind: its reason is the one that matters.
    if (s?.requires?.needs === 'node' || lr === k.reason) return k;
    return { id: k.id, reason: `local (v${r.split!.local.version}): ${lr}; kind (v${r.split!.kind.version}): ${k.reason}` };
  });
  const order = new Map(scenarios.map((s, i) => [s.id, i]));
  skips.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  return { target: r.target, clusters, skips, notes: [...new Set([...lp.notes, ...kp.notes])] };
}

/**
 * What kind nodes would run on: docker's host (kernel, cgroup version) and the node image's own
 * containerd. Read-only probes; a fact that cannot be read stays unknown for the planner.
 */
async function kindHostFacts(ctx: CliContext, image: string | undefined): Promise<import('../plan/host.js').HostFacts | undefined> {
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
