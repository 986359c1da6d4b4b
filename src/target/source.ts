// What the user named (--ref, --image or --k8s-version), read without building or pulling
// anything: its version, the gates of a ref's commit, the node image kind clusters would run.
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import type { AppEnv } from '../app/env.js';
import type { SourceGates } from '../plan/feature-specs.js';
import { releaseFeatureSpecs, treeFeatureSpecs } from '../source/feature-source.js';
import { normalizeVersion, releasedNodeImage, versionFromImage } from '../cluster/image-version.js';
import { chooseKubeRoot } from '../source/kube-root.js';
import { Git } from '../source/git.js';
import { resolveSource } from '../source/build-image.js';

/** The one check that a target is named at most once. */
export function checkOneSource(f: { ref?: string; image?: string; k8sVersion?: string }): void {
  const given = [f.ref && '--ref', f.image && '--image', f.k8sVersion && '--k8s-version'].filter(Boolean);
  if (given.length > 1) throw new UsageError(`give only one of --ref, --image, --k8s-version (got ${given.join(', ')})`);
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

/** Undefined when none was named. */
export async function describeSource(ctx: AppEnv, f: { ref?: string; image?: string; k8sVersion?: string; kubeRoot?: string }): Promise<SourceFacts | undefined> {
  checkOneSource(f);
  if (f.ref) {
    const kubeRoot = chooseKubeRoot(f.kubeRoot, ctx.env, ctx.cwd);
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

export async function binaryVersion(ctx: Pick<AppEnv, 'runner' | 'signal'>, binDir: string): Promise<string> {
  const r = await ctx.runner.run(join(binDir, 'kube-apiserver'), ['--version'], { signal: ctx.signal });
  const v = /v\d+\.\d+\.\d+\S*/.exec(r.stdout)?.[0];
  if (!v) throw new UsageError(`cannot read the version of ${join(binDir, 'kube-apiserver')}: ${r.stdout.trim()}`);
  return v;
}
