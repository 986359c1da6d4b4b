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
export function buildNodeImageArgs(kindVersion: string, sourceDir: string, image: string): string[] {
  if (semver.lt(kindVersion, '0.19.0')) {
    return ['build', 'node-image', '--type', 'docker', '--kube-root', sourceDir, '--image', image];
  }
  if (semver.lt(kindVersion, '0.30.0')) {
    return ['build', 'node-image', '--image', image, sourceDir];
  }
  return ['build', 'node-image', '--type', 'source', '--image', image, sourceDir];
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
