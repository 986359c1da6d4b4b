// The lab cache: finished builds are found (newest release first) and reused; damaged ones are not.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { labBinDirs, labCacheRoot, readManifest, type BuildManifest, type LabManifest } from '../../src/lab/cache.js';
import { DEFAULT_K8S_VERSION, runLab } from '../../src/lab/lab.js';
import { ExecaRunner } from '../../src/exec/runner.js';
import { releaseCheckoutDir } from '../../src/lab/checkout.js';
import { unavailable } from '../helpers/unavailable.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fakeBuild(cache: string, version: string, opts: { damage?: boolean } = {}): string {
  const bin = join(cache, `k8s-${version}`, 'bin');
  mkdirSync(bin, { recursive: true });
  const names = ['kube-apiserver', 'kube-controller-manager', 'etcd'];
  for (const n of names) writeFileSync(join(bin, n), `${n} ${version}`);
  const m = (kind: 'kubernetes' | 'etcd', bins: string[]): BuildManifest => ({
    kind,
    module: 'm',
    version,
    gitCommit: 'unknown',
    ldflags: '',
    tags: [],
    go: '1.26.8',
    binaries: bins.map((n) => ({ name: n, version, size: `${n} ${version}`.length })),
    builtAt: '2026-01-01T00:00:00Z',
    buildSeconds: 1,
    firstBuild: true,
  });
  const manifest: LabManifest = { schema: 1, kubernetes: m('kubernetes', names.slice(0, 2)), etcd: { ...m('etcd', ['etcd']), reason: 'test' }, binDir: bin };
  writeFileSync(join(cache, `k8s-${version}`, 'manifest.json'), JSON.stringify(manifest));
  if (opts.damage) writeFileSync(join(bin, 'kube-apiserver'), 'truncated');
  return bin;
}

describe('labBinDirs', () => {
  it('lists finished builds, newest release first, and ignores damaged or unfinished ones', () => {
    const cache = mkdtempSync(join(tmpdir(), 'kl-lab-'));
    dirs.push(cache);
    const old = fakeBuild(cache, 'v1.26.15');
    const neu = fakeBuild(cache, 'v1.37.2');
    fakeBuild(cache, 'v1.36.0', { damage: true });
    mkdirSync(join(cache, 'k8s-v1.38.0', 'bin'), { recursive: true }); // no manifest: still building
    expect(labBinDirs(cache)).toEqual([
      { version: 'v1.37.2', binDir: neu },
      { version: 'v1.26.15', binDir: old },
    ]);
  });
  it('finds the cache from KINDLAB_LAB_CACHE', () => {
    expect(labCacheRoot({ KINDLAB_LAB_CACHE: '/x/y' })).toBe('/x/y');
    expect(labCacheRoot({ HOME: '/h', XDG_CACHE_HOME: '/c' })).toBe('/c/kindlab/lab');
  });
});

const cache = labCacheRoot();
const built = readManifest<LabManifest>(join(cache, `k8s-${DEFAULT_K8S_VERSION}`));

if (!built) unavailable('runLab on the real cache', `the lab has not built ${DEFAULT_K8S_VERSION} (npm run lab)`);
describe.skipIf(!built)('runLab on the real cache', () => {
  it('reuses a finished build from the release\'s tree: git finds the tree at its tag, no go command and no assembly runs', async () => {
    const calls: string[] = [];
    const runner = new ExecaRunner();
    const r = await runLab({}, { runner: { run: (f, a, o) => (calls.push([f, ...a].join(' ')), runner.run(f, a, o)) } });
    expect(r.cacheHit).toEqual({ kubernetes: true, etcd: true });
    expect(r.binDir).toBe(join(cache, `k8s-${DEFAULT_K8S_VERSION}`, 'bin'));
    expect(r.manifest.kubernetes.source?.tree).toBe(releaseCheckoutDir(cache, DEFAULT_K8S_VERSION));
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.filter((c) => !c.startsWith('git -C '))).toEqual([]);
  });
  it('reuses the same build for a request from the module proxy\'s copy without looking at any tree', async () => {
    const calls: string[] = [];
    const runner = new ExecaRunner();
    const r = await runLab({ from: 'module' }, { runner: { run: (f, a, o) => (calls.push([f, ...a].join(' ')), runner.run(f, a, o)) } });
    expect(r.cacheHit).toEqual({ kubernetes: true, etcd: true });
    expect(calls).toEqual([]);
  });
});

describe('runLab refuses what cannot be built, before any command runs', () => {
  const refuses = async (o: Parameters<typeof runLab>[0], says: RegExp) => {
    const calls: string[] = [];
    const cache = mkdtempSync(join(tmpdir(), 'kl-lab-'));
    dirs.push(cache);
    await expect(runLab({ cache, ...o }, { runner: { run: async (f, a) => (calls.push([f, ...a].join(' ')), { argv: [f, ...a], exitCode: 1, stdout: '', stderr: '' }) } })).rejects.toThrow(says);
    expect(calls).toEqual([]);
  };
  it('--go with a tree build: the tree pins its Go', () => refuses({ go: '1.20.7' }, /--go picks the toolchain of a build from the module proxy's copy/));
  it('--kube-root with --from module', () => refuses({ from: 'module', kubeRoot: '/tmp' }, /--kube-root and --from module do not go together/));
  it('e2e.test from the module proxy\'s copy', () => refuses({ from: 'module', components: ['e2e.test'] }, /e2e\.test is built from a Kubernetes source tree, not with --from module/));
  it('an unknown source', () => refuses({ from: 'git' as 'tree' }, /--from git: the lab builds from a tree or a module/));
});
