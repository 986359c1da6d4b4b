// Pure rules about kind's CLI across versions: parsing `kind version`, the minimum kindlab
// supports, and how `kind build node-image` takes its source over time.
import semver from 'semver';

/** kind ≥ 0.20 knows the kubeadm config dialects of every Kubernetes kindlab targets (≥ 1.24). */
export const MIN_KIND_VERSION = '0.20.0';

/** `kind v0.33.0 go1.26.8 linux/amd64` or `kind v0.27.0-alpha+abc go1.x ...` → `0.33.0`. */
export function parseKindVersion(output: string): string | undefined {
  const m = /kind\s+v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)/.exec(output);
  if (!m?.[1]) return undefined;
  return semver.valid(semver.coerce(m[1])) ?? undefined;
}

export function kindTooOld(version: string): boolean {
  return semver.lt(version, MIN_KIND_VERSION);
}

/**
 * argv for `kind build node-image` of a source directory:
 * - before 0.19: `--type docker --kube-root DIR` (the build type named the build system);
 * - 0.19 to 0.29: the source is a positional argument and `--type` is refused;
 * - 0.30 and later: `--type` is back and means the source kind; say `source` explicitly.
 */
export function buildNodeImageArgs(kindVersion: string, sourceDir: string, image: string, baseImage?: string): string[] {
  const base = baseImage ? ['--base-image', baseImage] : [];
  if (semver.lt(kindVersion, '0.19.0')) {
    return ['build', 'node-image', '--type', 'docker', '--kube-root', sourceDir, '--image', image, ...base];
  }
  if (semver.lt(kindVersion, '0.30.0')) {
    return ['build', 'node-image', '--image', image, ...base, sourceDir];
  }
  return ['build', 'node-image', '--type', 'source', '--image', image, ...base, sourceDir];
}

/**
 * kubeadm config API version kind renders for a Kubernetes version (kind ≥ 0.32: v1beta4 from
 * 1.36, v1beta3 from 1.23). kubeadmConfigPatches must use the same shape (extraArgs is a map in
 * v1beta3 and a list of {name,value} in v1beta4).
 */
export function kubeadmApiVersion(kubernetesVersion: string | undefined, kindVersion?: string): 'v1beta3' | 'v1beta4' {
  const k = kubernetesVersion ? semver.coerce(kubernetesVersion) : null;
  if (!k) return 'v1beta4';
  if (kindVersion && semver.lt(kindVersion, '0.32.0')) return 'v1beta3';
  return semver.gte(k, '1.36.0') ? 'v1beta4' : 'v1beta3';
}

/**
 * argv for `kind build node-image` of a server tarball (what `kindlab build --builder go` writes):
 * kind 0.20–0.29 take a local `.tar.gz` as the positional source; from 0.30 `--type file` says so.
 */
export function buildNodeImageFromTarballArgs(kindVersion: string, tarball: string, image: string, baseImage?: string): string[] {
  const base = baseImage ? ['--base-image', baseImage] : [];
  if (semver.lt(kindVersion, '0.30.0')) return ['build', 'node-image', '--image', image, ...base, tarball];
  return ['build', 'node-image', '--type', 'file', '--image', image, ...base, tarball];
}

/** kind's default base image, as its `build node-image --help` states it. */
export function parseDefaultBaseImage(help: string): string | undefined {
  return /--base-image\b[^\n]*\(default "([^"]+)"\)/.exec(help)?.[1];
}

/** The kind version `--dry-run` assumes when kind is not installed (the one CI installs). */
export const PINNED_KIND_VERSION = '0.33.0';
