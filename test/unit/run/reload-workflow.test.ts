// `kindlab reload` before it builds anything, driven in memory with the TEST providers of
// test/helpers/in-memory-app.ts: what it refuses, and how `ls` tells a reload under way from one
// that was cut off. The real reload (kind nodes, a real build): test/kind/reload.test.ts.
import { describe, expect, it } from 'vitest';
import { emptyProfile } from '../../../src/cluster/profile.js';
import { ConflictError, UsageError } from '../../../src/errors.js';
import { inventory, prune } from '../../../src/workflows/ls.js';
import { reloadWorkflow } from '../../../src/workflows/reload.js';
import { upWorkflow } from '../../../src/workflows/up.js';
import { inMemoryApp } from '../../helpers/in-memory-app.js';

describe('reload on TEST providers', () => {
  it('refuses a cluster kindlab did not create, by name, and one it does not know', async () => {
    const t = inMemoryApp();
    t.live.set('theirs', { provider: 'test-nodes', foreign: true });
    await expect(reloadWorkflow(t.app, { cluster: 'theirs', ref: 'HEAD' })).rejects.toThrow(ConflictError);
    await expect(reloadWorkflow(t.app, { cluster: 'theirs', ref: 'HEAD' })).rejects.toThrow(/was not created by kindlab; refusing to change it/);
    await expect(reloadWorkflow(t.app, { cluster: 'nope', ref: 'HEAD' })).rejects.toThrow(/no kindlab cluster named "nope"/);
    expect(t.journal).toEqual([]);
  });

  it('refuses a cluster whose provider cannot replace components, saying how to get the change in instead', async () => {
    const t = inMemoryApp();
    await upWorkflow(t.app, { name: 'mine', provider: 'test-nodes', profile: emptyProfile(), image: 'test/node:1' });
    const e = await reloadWorkflow(t.app, { cluster: 'mine', ref: 'HEAD' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UsageError);
    expect((e as UsageError).message).toMatch(/test-nodes provider, which cannot replace components/);
    expect((e as UsageError).hint).toMatch(/kindlab down mine/);
    expect(t.journal).toEqual(['create mine']);
  });

  it('ls: a reload under way is "reloading"; one whose process died is "reload-interrupted", names what may be between builds, and is not pruned', async () => {
    const t = inMemoryApp();
    await upWorkflow(t.app, { name: 'mine', provider: 'test-nodes', profile: emptyProfile(), image: 'test/node:1' });
    const rec = t.app.store.getCluster('mine')!;
    const reloading = { startedAt: new Date().toISOString(), from: 'v1.37.2', to: 'v1.37.2-dirty-0a1b2c3d', components: ['kube-apiserver', 'kubelet'], replaced: [{ component: 'kube-apiserver', where: 'n1', version: 'v1.37.2-dirty-0a1b2c3d', seconds: 14 }], replacing: [{ component: 'kubelet', where: 'n1' }] };
    t.app.store.saveCluster({ ...rec, reloading: { ...reloading, ownerPid: process.pid } });
    expect((await inventory(t.app)).clusters[0]!.observed).toBe('reloading');

    const dead = 2 ** 22 + 12345; // beyond pid_max on Linux: never a live process
    t.app.store.saveCluster({ ...rec, reloading: { ...reloading, ownerPid: dead } });
    const rows = await inventory(t.app);
    expect(rows.clusters[0]!.observed).toBe('reload-interrupted');
    expect(rows.clusters[0]!.note).toMatch(/replaced kube-apiserver on n1; kubelet on n1 may run either build; the rest run v1\.37\.2/);
    expect(await prune(t.app, rows)).toEqual([]);
    expect(t.app.store.getCluster('mine')).toBeDefined();
  });
});
