// Pure: version stamping (-X flags), reading `--version` output, kubeadm's etcd pin, and the
// choice of Go toolchain for a release.
import { parseSemVer, type SemVer } from './gomod.js';

export interface KubeStamp {
  gitVersion: string;
  gitCommit: string;
  buildDate: string;
  treeState?: 'clean' | 'dirty';
}

/**
 * Packages whose variables carry the version. In a wrapper build the staging modules are real
 * modules, so the non-vendor paths apply to every release (k8s.io/kubernetes/vendor/... only
 * existed inside Kubernetes' own tree).
 */
export const KUBE_VERSION_PACKAGES = ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version'] as const;

export function kubeVersionXFlags(s: KubeStamp): string[] {
  const v = parseSemVer(s.gitVersion);
  if (!v) throw new Error(`cannot stamp a non-semver version: ${s.gitVersion}`);
  const vars: [string, string][] = [
    ['gitVersion', s.gitVersion],
    ['gitMajor', String(v.major)],
    ['gitMinor', String(v.minor)],
    ['gitCommit', s.gitCommit],
    ['gitTreeState', s.treeState ?? 'clean'],
    ['buildDate', s.buildDate],
  ];
  return KUBE_VERSION_PACKAGES.flatMap((pkg) => vars.map(([k, val]) => `-X ${pkg}.${k}=${val}`));
}

export function kubeLdflags(s: KubeStamp): string {
  return ['-s', '-w', ...kubeVersionXFlags(s)].join(' ');
}

export function etcdLdflags(gitSha: string): string {
  return ['-s', '-w', `-X go.etcd.io/etcd/api/v3/version.GitSHA=${gitSha}`].join(' ');
}

/** Build date in the form Kubernetes uses, without sub-seconds: 2026-10-27T12:01:04Z. */
export function buildDate(iso: string): string {
  return new Date(iso).toISOString().replace(/\.\d+Z$/, 'Z');
}

/** `Kubernetes v1.37.2` → v1.37.2; `etcd Version: 3.7.0` → v3.7.0. */
export function parseVersionOutput(output: string): string | undefined {
  const k = /Kubernetes (v\d+\.\d+\.\d+[^\s]*)/.exec(output);
  if (k) return k[1];
  const e = /etcd Version:\s*(\d+\.\d+\.\d+[^\s]*)/.exec(output);
  if (e) return `v${e[1]}`;
  const c = /Client Version:\s*(v\d+\.\d+\.\d+[^\s]*)/.exec(output);
  if (c) return c[1];
  const g = /gitVersion:"(v\d+\.\d+\.\d+[^"]*)"/i.exec(output);
  if (g) return g[1];
  // `kubeadm version -o short` prints the bare version
  return /^\s*(v\d+\.\d+\.\d+\S*)\s*$/.exec(output)?.[1];
}

/** kubeadm's DefaultEtcdVersion from cmd/kubeadm/app/constants/constants.go: "3.7.0-0" → "v3.7.0". */
export function kubeadmEtcdVersion(constantsGo: string): string | undefined {
  const m = /DefaultEtcdVersion\s*=\s*"(\d+\.\d+\.\d+)(?:-\d+)?"/.exec(constantsGo);
  return m ? `v${m[1]}` : undefined;
}

function cmp(a: SemVer, b: SemVer): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

export interface EtcdChoice {
  version: string;
  /** Why this version, for the user. */
  reason: string;
  exact: boolean;
}

/**
 * The etcd to build: the wanted version if the proxy has it, else the nearest release of the
 * same minor (the highest patch at or below it, else the lowest above it). Pre-releases are ignored.
 */
export function chooseEtcdVersion(wanted: string, available: readonly string[]): EtcdChoice | undefined {
  const w = parseSemVer(wanted);
  if (!w) return undefined;
  const releases = available
    .map((v) => ({ v, s: parseSemVer(v) }))
    .filter((x): x is { v: string; s: SemVer } => x.s !== undefined && !x.s.pre && x.s.major === w.major && x.s.minor === w.minor);
  const exact = releases.find((x) => x.s.patch === w.patch);
  if (exact) return { version: exact.v, reason: `kubeadm's etcd for this release`, exact: true };
  const below = releases.filter((x) => cmp(x.s, w) < 0).sort((a, b) => cmp(b.s, a.s))[0];
  const above = releases.filter((x) => cmp(x.s, w) > 0).sort((a, b) => cmp(a.s, b.s))[0];
  const pick = below ?? above;
  if (!pick) return undefined;
  return { version: pick.v, reason: `kubeadm wants ${wanted}, which the module proxy does not have; nearest same-minor release`, exact: false };
}

/** Upstream's Go: `.go-version` ("1.26.10"), else build/build-image/cross/VERSION ("v1.24.0-go1.20.7-bullseye.0"). */
export function upstreamGoVersion(goVersionFile: string | undefined, crossVersionFile: string | undefined): string | undefined {
  const direct = goVersionFile?.trim();
  if (direct && /^\d+\.\d+(\.\d+)?$/.test(direct)) return direct;
  return /-go(\d+\.\d+(?:\.\d+)?)/.exec(crossVersionFile ?? '')?.[1];
}

/** `go version` output → "1.26.8". */
export function parseGoVersion(output: string): string | undefined {
  return /go version go(\d+\.\d+(?:\.\d+)?)/.exec(output)?.[1];
}

export interface ToolchainChoice {
  /** Value for GOTOOLCHAIN, or undefined to use the local go as is. */
  gotoolchain?: string;
  reason: string;
}

/**
 * Which Go builds a release. The local go builds anything whose upstream Go (.go-version) is the
 * same or at most one minor older; older releases are built with their own Go, which
 * GOTOOLCHAIN=go1.x.y downloads through the module proxy (the new compiler and linker reject
 * old dependencies, e.g. go:linkname pulls from Go 1.23 on).
 */
export function chooseToolchain(localGo: string, upstreamGo: string | undefined, goLine: string | undefined, override?: string): ToolchainChoice {
  if (override && override !== 'auto') {
    if (override === 'local') return { reason: `--go local: go${localGo}` };
    const o = override.startsWith('go') ? override : `go${override}`;
    return { gotoolchain: o, reason: `--go ${override}` };
  }
  const local = parseSemVer(localGo);
  const up = parseSemVer(upstreamGo ?? goLine ?? '');
  if (!local || !up) return { reason: `local go${localGo} (upstream Go unknown)` };
  if (up.major === local.major && local.minor - up.minor <= 1 && up.minor <= local.minor) {
    return { reason: `local go${localGo} (upstream builds with go${upstreamGo ?? goLine})` };
  }
  if (up.minor > local.minor) {
    const full = upstreamGo && /^\d+\.\d+\.\d+$/.test(upstreamGo) ? upstreamGo : `${up.major}.${up.minor}.0`;
    return { gotoolchain: `go${full}`, reason: `upstream needs go${full}, newer than the local go${localGo}` };
  }
  const full = upstreamGo && /^\d+\.\d+\.\d+$/.test(upstreamGo) ? upstreamGo : undefined;
  if (!full) return { reason: `local go${localGo} (upstream go line ${goLine}; no exact upstream Go known)` };
  return { gotoolchain: `go${full}`, reason: `upstream builds with go${full}; fetched through the module proxy` };
}

/** Compares two versions (v-prefixed or not); pre-releases sort before their release. */
export function compareVersions(a: string, b: string): number {
  const x = parseSemVer(a);
  const y = parseSemVer(b);
  if (!x || !y) return a < b ? -1 : a > b ? 1 : 0;
  const c = cmp(x, y);
  if (c) return c;
  if (x.pre === y.pre) return 0;
  if (!x.pre) return 1;
  if (!y.pre) return -1;
  return x.pre < y.pre ? -1 : 1;
}
