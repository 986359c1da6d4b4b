// Shared state of the real-kind tier: one KINDLAB_HOME for every file (the node image is built
// once and then a cache hit), the lab's ingredients, and counts of what docker and the OS hold,
// to show that an interrupted command left nothing behind.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerUp, kindAvailable, kindlab, whyNoDocker, whyNoKind, type CliRun } from './env.js';
import { readLabNode, type LabNode } from './lab-node.js';
import { labCacheRoot } from '../../src/lab/cache.js';

// A cache, not a temporary folder: its image records make the tier's node image a cache hit from
// one run to the next. Runs and logs of earlier runs are dropped when the tier starts.
export const tierHome = process.env.KINDLAB_KIND_TIER_HOME ?? join(homedir(), '.cache', 'kindlab', 'kind-tier');
/**
 * The one worktree builds at a ref keep and move from commit to commit (src/source/build-at-ref.ts
 * keepTree; the reload test leaves it in the tier's home): not a leftover of any test.
 */
export const KEPT_TREE = 'reload-binaries-tree';
/** The worktrees of the tier's home that a test may have left: all but the kept one. */
export const leftoverWorktrees = (names: readonly string[]): string[] => names.filter((w) => w !== KEPT_TREE);
mkdirSync(tierHome, { recursive: true });

const lab = readLabNode();
export const labNode: LabNode | undefined = typeof lab === 'string' ? undefined : lab;
export const whyNotReady = !dockerUp ? whyNoDocker : !kindAvailable ? whyNoKind : typeof lab === 'string' ? lab : '';

// HOME is the tier's own folder (to show ~/.kube is never touched); Go keeps the caches of the
// real home, else every run of the tier would compile Kubernetes from nothing.
const goEnv = Object.fromEntries(
  ['GOPATH', 'GOCACHE', 'GOMODCACHE'].map((k) => [k, execFileSync('go', ['env', k], { encoding: 'utf8' }).trim()]),
) as Record<string, string>;
// The lab's cache (binaries, e2e.test) likewise stays the real home's.
export const env = (extra: Record<string, string> = {}): Record<string, string> => ({ KINDLAB_HOME: tierHome, HOME: tierHome, KINDLAB_LAB_CACHE: labCacheRoot(), ...goEnv, ...extra });

/** `kindlab build` of the lab's release, offline (a cache hit after the first time). */
export function buildArgs(l: LabNode, extra: string[] = []): string[] {
  return ['build', l.version, '--kube-root', l.kubeRoot, '--base-image', l.baseImage, '--images', l.imagesDir, ...extra];
}

export function kindlabLong(args: string[], extra: Record<string, string> = {}, timeoutMs = 45 * 60_000): CliRun {
  const r = spawnSync(process.execPath, [join(__dirname_(), '../../bin/kindlab.js'), ...args], {
    env: { ...process.env, NO_COLOR: '1', ...env(extra) },
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function __dirname_(): string {
  return new URL('.', import.meta.url).pathname;
}

/** The node image of the lab release, built if needed. */
export function ensureNodeImage(l: LabNode): string {
  const r = kindlabLong([...buildArgs(l), '-o', 'json']);
  if (r.code !== 0) throw new Error(`kindlab build failed (${r.code}):\n${r.stderr.slice(-4000)}`);
  return (JSON.parse(r.stdout) as { image: string }).image;
}

export interface Leftovers {
  containers: string[];
  volumes: string[];
  networks: string[];
  worktrees: string[];
  builds: string[];
  processes: string[];
  /** What kind and go leave in the system temp folder when they fail or are killed (GBs each). */
  systemTemp: string[];
}

const lines = (s: string): string[] => s.split('\n').map((l) => l.trim()).filter(Boolean).sort();

/** What exists now: docker objects, kindlab's scratch folders, and kind/go/kindlab processes. */
export function leftovers(): Leftovers {
  const dir = (d: string): string[] => (existsSync(d) ? readdirSync(d).sort() : []);
  const ps = spawnSync('ps', ['-eo', 'args='], { encoding: 'utf8' }).stdout;
  return {
    containers: lines(execFileSync('docker', ['ps', '-aq'], { encoding: 'utf8' })),
    volumes: lines(execFileSync('docker', ['volume', 'ls', '-q'], { encoding: 'utf8' })),
    networks: lines(execFileSync('docker', ['network', 'ls', '-q'], { encoding: 'utf8' })),
    worktrees: dir(join(tierHome, 'worktrees')),
    builds: dir(join(tierHome, 'builds')),
    processes: lines(ps).filter((p) => /(^|\/)kind (create|build)|go build|bin\/kindlab\.js/.test(p) && !p.includes('vitest')),
    systemTemp: dir(tmpdir()).filter((n) => n.startsWith('k8s-tar-extract-') || n.startsWith('go-build')),
  };
}

export { kindlab };
