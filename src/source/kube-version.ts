// Pure: the version a Kubernetes build stamps into its binaries, from `git describe`, following
// the rules of Kubernetes' own build scripts (distance to a tag becomes semver build metadata),
// and the -X flags that put it into component-base and client-go.

/**
 * v1.33.0               → v1.33.0
 * v1.33.0-5-gabc…       → v1.33.0-5+abc…
 * v1.34.0-rc.1-5-gabc…  → v1.34.0-rc.1.5+abc…
 * …-dirty-<hash>        → the same with "-dirty-<hash>": the hash of the uncommitted changes
 *                         tells two builds of one edited tree apart (upstream's make says only
 *                         "-dirty"); `kindlab reload` reports it and waits for it
 */
export function kubeGitVersion(describe: string): string | undefined {
  let d = describe;
  let dirty = '';
  const dm = /-dirty(-[0-9a-f]+)?$/.exec(d);
  if (dm) {
    dirty = dm[0];
    d = d.slice(0, dm.index);
  }
  if (!/^v\d+\.\d+\.\d+/.test(d)) return undefined;
  const sub = /^(v\d+\.\d+\.\d+-[a-z]+\.\d+)-(\d+)-g([0-9a-f]+)$/.exec(d);
  if (sub) return `${sub[1]}.${sub[2]}+${sub[3]}${dirty}`;
  const base = /^(v\d+\.\d+\.\d+)-(\d+)-g([0-9a-f]+)$/.exec(d);
  if (base) return `${base[1]}-${base[2]}+${base[3]}${dirty}`;
  return `${d}${dirty}`;
}

export interface StampInput {
  gitVersion: string;
  gitCommit: string;
  treeState: 'clean' | 'dirty';
  buildDate: string;
}

const VERSION_PACKAGES = [
  'k8s.io/component-base/version',
  'k8s.io/client-go/pkg/version',
  // Before the staging repos were referenced directly (≤ 1.25-era builds) the symbols lived here.
  'k8s.io/kubernetes/vendor/k8s.io/component-base/version',
  'k8s.io/kubernetes/vendor/k8s.io/client-go/pkg/version',
];

export function versionLdflags(s: StampInput): string[] {
  const m = /^v(\d+)\.(\d+)/.exec(s.gitVersion);
  const vars: Record<string, string> = {
    gitVersion: s.gitVersion,
    gitMajor: m?.[1] ?? '',
    gitMinor: m?.[2] ?? '',
    gitCommit: s.gitCommit,
    gitTreeState: s.treeState,
    buildDate: s.buildDate,
  };
  return VERSION_PACKAGES.flatMap((pkg) => Object.entries(vars).map(([k, v]) => `-X ${pkg}.${k}=${v}`));
}
