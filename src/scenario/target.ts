// Works out what `plan` and `test` target: the Kubernetes version, the gates that exist there
// (from the checkout's source for a ref), and which providers can create clusters on this machine.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import type { CliContext } from '../cli/context.js';
import { UsageError } from '../errors.js';
import type { PlanTarget } from '../plan/planner.js';
import { parseSourceGates } from '../plan/gates.js';
import { normalizeVersion, versionFromImage } from '../cluster/image-version.js';

export interface TargetFlags {
  provider: 'auto' | 'local' | 'kind';
  ref?: string;
  image?: string;
  k8sVersion?: string;
  kubeRoot?: string;
  binDir?: string;
}

export interface ResolvedTarget {
  target: PlanTarget;
  image?: string;
  binDir?: string;
  commit?: string;
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
async function sourceGatesAt(ctx: CliContext, kubeRoot: string, commit: string): Promise<Set<string> | undefined> {
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
  let version: string | undefined;
  let description = '';
  let image: string | undefined;
  let commit: string | undefined;
  let sourceGates: Set<string> | undefined;

  if (f.ref) {
    const kubeRoot = chooseKubeRoot(f.kubeRoot, ctx.env, ctx.cwd);
    const { Git } = await import('../source/git.js');
    const { resolveSource } = await import('../source/build-image.js');
    const src = await resolveSource({ kubeRoot, ref: f.ref }, new Git(ctx.runner, kubeRoot.path, ctx.signal));
    commit = src.commit;
    sourceGates = await sourceGatesAt(ctx, kubeRoot.path, src.commit);
    version = versionFromImage(src.image);
    description = `${f.ref} (${src.describe})`;
    if (build && phases) {
      if (f.provider !== 'kind') {
        const { buildComponents } = await import('../source/build-components.js');
        binDir = (await buildComponents({ kubeRoot, ref: f.ref }, { runner: ctx.runner, store: ctx.store, phases, signal: ctx.signal, env: ctx.env })).binDir;
      }
      if (f.provider !== 'local' && kind === true) {
        const { buildNodeImage } = await import('../source/build-image.js');
        image = (await buildNodeImage({ kubeRoot, ref: f.ref }, { runner: ctx.runner, store: ctx.store, phases, signal: ctx.signal })).image;
      }
    } else {
      image = src.image;
    }
  } else if (f.image) {
    image = f.image;
    version = versionFromImage(f.image);
    description = f.image;
  } else if (f.k8sVersion) {
    const v = normalizeVersion(f.k8sVersion);
    image = `kindest/node:${v}`;
    version = v;
    description = v;
  } else if (binDir) {
    const v = await binaryVersion(ctx, binDir);
    version = v;
    description = `${v} (binaries in ${binDir})`;
  }
  if (!version || !semver.coerce(version)) {
    throw new UsageError('cannot tell which Kubernetes version to target', {
      hint: 'give --k8s-version v1.33.1, --image, --ref, or --provider local with binaries from npm run lab',
    });
  }
  const local: true | string = f.provider === 'kind' ? 'not selected (--provider kind)' : binDir && existsSync(join(binDir, 'kube-apiserver')) ? true : 'no local binaries (run npm run lab, or pass --bin-dir)';
  if (binDir && local === true && (f.image || f.k8sVersion)) {
    // Binaries and images are different versions: only use local when it is the same minor.
    const bv = semver.coerce(await binaryVersion(ctx, binDir));
    const tv = semver.coerce(version);
    if (bv && tv && (bv.major !== tv.major || bv.minor !== tv.minor)) binDir = undefined;
  }
  return {
    target: {
      version: semver.coerce(version)!.version,
      description,
      sourceGates,
      providers: { local: binDir ? local : 'no local binaries for this version (run npm run lab, or pass --bin-dir)', kind },
      forceProvider: f.provider === 'auto' ? undefined : f.provider,
    },
    image,
    binDir,
    commit,
  };
}
