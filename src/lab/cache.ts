// The lab cache: where `npm run lab` keeps wrapper modules, binaries and their manifests.
//   <cache>/k8s-<version>/mod         wrapper module for the Kubernetes commands
//   <cache>/k8s-<version>/bin         kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, etcd
//   <cache>/k8s-<version>/manifest.json
//   <cache>/etcd-<version>/{mod,bin,manifest.json}   etcd, shared by releases (hard-linked into k8s bin)
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { writeJsonAtomic } from '../state/atomic.js';
import { compareVersions } from './versions.js';

export function labCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.KINDLAB_LAB_CACHE?.trim();
  if (fromEnv) return fromEnv;
  const xdg = env.XDG_CACHE_HOME?.trim();
  return join(xdg || join(homedir(), '.cache'), 'kindlab', 'lab');
}

export function kubeDir(cache: string, version: string): string {
  return join(cache, `k8s-${version}`);
}

export function etcdDir(cache: string, version: string): string {
  return join(cache, `etcd-${version}`);
}

export interface BinaryInfo {
  /** File name in the bin folder. */
  name: string;
  /** What `--version` reported after the build. */
  version: string;
  size: number;
}

export interface BuildManifest {
  kind: 'kubernetes' | 'etcd';
  module: string;
  version: string;
  gitCommit: string;
  ldflags: string;
  tags: string[];
  /** go version that built it, and GOTOOLCHAIN if one was forced. */
  go: string;
  gotoolchain?: string;
  binaries: BinaryInfo[];
  builtAt: string;
  buildSeconds: number;
  /** Whether the Go build cache was cold (first build of this set on this machine), as far as known. */
  firstBuild: boolean;
  /** Built from a source tree (its path and HEAD) rather than from the module proxy's copy. */
  source?: { tree: string; commit: string };
  /** Modules the proxy lacked at the release's tag, with the version used instead. */
  substitutions?: Record<string, string>;
}

/** The manifest of a Kubernetes release, with the etcd that goes with it. */
export interface LabManifest {
  schema: 1;
  kubernetes: BuildManifest;
  etcd: BuildManifest & { reason: string; kubeadmEtcdVersion?: string };
  binDir: string;
  /** Earlier builds of the same set (cold/warm timings for the bench). */
  history?: { at: string; kubernetesSeconds: number; etcdSeconds: number }[];
}

export function manifestPath(dir: string): string {
  return join(dir, 'manifest.json');
}

export function readManifest<T>(dir: string): T | undefined {
  const p = manifestPath(dir);
  if (!existsSync(p)) return undefined;
  try {
    return JSON.parse(readFileSync(p, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

export function writeManifest(dir: string, m: unknown): void {
  writeJsonAtomic(manifestPath(dir), m);
}

/** Every binary listed in the manifest is still there with the size it had when built. */
export function binariesIntact(binDir: string, binaries: readonly BinaryInfo[]): boolean {
  return binaries.every((b) => {
    try {
      return statSync(join(binDir, b.name)).size === b.size;
    } catch {
      return false;
    }
  });
}

export const LOCAL_REQUIRED = ['etcd', 'kube-apiserver', 'kube-controller-manager'] as const;

/**
 * The bin folders of finished lab builds (manifest present, binaries intact), newest release
 * first.
 */
export function labBinDirs(cache = labCacheRoot()): { version: string; binDir: string }[] {
  if (!existsSync(cache)) return [];
  const out: { version: string; binDir: string }[] = [];
  for (const entry of readdirSync(cache)) {
    if (!entry.startsWith('k8s-')) continue;
    const dir = join(cache, entry);
    const m = readManifest<LabManifest>(dir);
    if (!m || m.schema !== 1) continue;
    const binDir = join(dir, 'bin');
    if (!binariesIntact(binDir, m.kubernetes.binaries)) continue;
    if (!LOCAL_REQUIRED.every((b) => existsSync(join(binDir, b)))) continue;
    out.push({ version: m.kubernetes.version, binDir });
  }
  return out.sort((a, b) => compareVersions(b.version, a.version));
}

/** The newest finished lab bin folder, if `npm run lab` has run. */
export function newestLabBinDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return labBinDirs(labCacheRoot(env))[0]?.binDir;
}
