// The workflows no pipeline test reaches (new, list, build, rmi, upgrade), driven in memory with
// the TEST providers of test/helpers/in-memory-app.ts: what each refuses before it builds or
// changes anything, and what it does to the state. The real builds, images and upgrades:
// test/integration, test/kind.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyProfile } from '../../../src/cluster/profile.js';
import { ConflictError, UsageError } from '../../../src/errors.js';
import { buildWorkflow } from '../../../src/workflows/build.js';
import { listScenarios } from '../../../src/workflows/list.js';
import { newWorkflow } from '../../../src/workflows/new.js';
import { rmiWorkflow } from '../../../src/workflows/rmi.js';
import { upgradeWorkflow } from '../../../src/workflows/upgrade.js';
import { upWorkflow } from '../../../src/workflows/up.js';
import { inMemoryApp } from '../../helpers/in-memory-app.js';
import { repoRoot } from '../../helpers/env.js';

const FIXTURES = join(repoRoot, 'test/fixtures/pipeline-scenarios');

describe('new scenario', () => {
  it('writes the template under the folder given, and never over an existing file', () => {
    const t = inMemoryApp();
    const file = newWorkflow(t.app, 'scenario', 'my-feature', 'mine');
    expect(file).toBe(join(t.home, 'mine', 'my-feature.ts'));
    expect(readFileSync(file, 'utf8')).toContain("id: 'my-feature'");
    writeFileSync(file, '// edited\n');
    expect(() => newWorkflow(t.app, 'scenario', 'my-feature', 'mine')).toThrow(ConflictError);
    expect(readFileSync(file, 'utf8')).toBe('// edited\n');
  });

  it('refuses what it does not make and an id that is not kebab-case, writing nothing', () => {
    const t = inMemoryApp();
    expect(() => newWorkflow(t.app, 'provider', 'x', 'mine')).toThrow(/knows "scenario", not "provider"/);
    expect(() => newWorkflow(t.app, 'scenario', 'My_Feature', 'mine')).toThrow(/must be kebab-case/);
    expect(existsSync(join(t.home, 'mine'))).toBe(false);
  });
});

describe('run --list', () => {
  it('lists the selection, then the shard of it: two shards together are the selection, each once', async () => {
    const t = inMemoryApp();
    const req = { scenariosDir: [FIXTURES], builtin: false, selectors: ['api-*', 'nodes-one'] };
    const all = (await listScenarios(t.app, { ...req, shard: undefined })).map((s) => s.id);
    expect(all).toEqual(['api-one', 'api-two', 'nodes-one']);
    const first = (await listScenarios(t.app, { ...req, shard: { index: 1, count: 2 } })).map((s) => s.id);
    const second = (await listScenarios(t.app, { ...req, shard: { index: 2, count: 2 } })).map((s) => s.id);
    // ordered by id, dealt round-robin
    expect(first).toEqual(['api-one', 'nodes-one']);
    expect(second).toEqual(['api-two']);
  });
});

describe('build', () => {
  it('refuses flags that do not go together before it reads the tree', async () => {
    const t = inMemoryApp();
    const kubeRoot = join(t.home, 'no-tree');
    await expect(buildWorkflow(t.app, { ref: 'HEAD', kubeRoot, components: true, testBinaries: true })).rejects.toThrow(/--components or --test-binaries, not both/);
    await expect(buildWorkflow(t.app, { ref: 'HEAD', kubeRoot, testBinaries: true, etcd: 'v3.7.0' })).rejects.toThrow(/--etcd only applies with --components/);
    await expect(buildWorkflow(t.app, { ref: 'HEAD', kubeRoot, etcd: 'v3.7.0' })).rejects.toThrow(/--etcd only applies with --components/);
    await expect(buildWorkflow(t.app, { ref: 'HEAD', kubeRoot, builder: 'bazel' })).rejects.toThrow(/--builder bazel is not a builder/);
    await expect(buildWorkflow(t.app, { ref: 'HEAD', kubeRoot, kindVersion: 'v0.33.0' })).rejects.toThrow(/--kind-version only applies with --dry-run/);
    expect(t.app.store.listImages()).toEqual([]);
  });
});

describe('rmi', () => {
  it('removes a components build kindlab made: its folder and its record, and only that one', async () => {
    const t = inMemoryApp();
    const keep = join(t.home, 'builds', 'b', 'bin');
    const gone = join(t.home, 'builds', 'a', 'bin');
    for (const d of [keep, gone]) mkdirSync(d, { recursive: true });
    const rec = (commit: string, binDir: string) => ({ kind: 'components' as const, tag: `components@${commit}`, commit, describe: 'v1.37.2', kubeRoot: '/k', builtAt: '2026-12-07T00:00:00Z', buildSeconds: 1, binDir });
    t.app.store.saveImage(rec('aaaa', gone));
    t.app.store.saveImage(rec('bbbb', keep));
    const seen: string[] = [];
    expect(await rmiWorkflow(t.app, ['components@aaaa'], (tag) => seen.push(tag))).toEqual(['components@aaaa']);
    expect(seen).toEqual(['components@aaaa']);
    expect(existsSync(join(t.home, 'builds', 'a'))).toBe(false);
    expect(existsSync(keep)).toBe(true);
    expect(t.app.store.listImages().map((i) => i.tag)).toEqual(['components@bbbb']);
  });
});

describe('upgrade', () => {
  it('refuses a cluster kindlab did not create, one it does not know, and a provider that cannot upgrade, before building', async () => {
    const t = inMemoryApp({ binariesVersion: 'v1.37.2' });
    t.live.set('theirs', { provider: 'test-nodes', foreign: true });
    await expect(upgradeWorkflow(t.app, { cluster: 'theirs', to: 'HEAD' })).rejects.toThrow(ConflictError);
    await expect(upgradeWorkflow(t.app, { cluster: 'nope', to: 'HEAD' })).rejects.toThrow(UsageError);
    await upWorkflow(t.app, { name: 'mine', provider: 'test-api', profile: emptyProfile() });
    await expect(upgradeWorkflow(t.app, { cluster: 'mine', to: 'HEAD' })).rejects.toThrow(/test-api provider, which cannot upgrade a running cluster/);
    expect(t.journal).toEqual(['create mine']);
    expect(t.app.store.getCluster('mine')?.upgrading).toBeUndefined();
  });
});
