import { mkdtempSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyProfile } from '../../../src/cluster/profile.js';
import { ConflictError } from '../../../src/errors.js';
import { withLock } from '../../../src/state/lock.js';
import { StateStore } from '../../../src/state/store.js';
import type { ClusterRecord } from '../../../src/state/records.js';

const rec = (name: string): ClusterRecord => ({
  name,
  provider: 'kind',
  state: 'creating',
  createdAt: new Date().toISOString(),
  kubeconfig: '/x',
  profile: emptyProfile(),
});

describe('StateStore', () => {
  it('reserves a name once; the second reservation is a conflict', async () => {
    const store = new StateStore(mkdtempSync(join(tmpdir(), 'kl-state-')));
    await store.reserveCluster(rec('a'));
    await expect(store.reserveCluster(rec('a'))).rejects.toBeInstanceOf(ConflictError);
    expect(store.listClusters().map((r) => r.name)).toEqual(['a']);
    expect(statSync(join(store.clusterDir('a'), 'cluster.json')).mode & 0o777).toBe(0o600);
  });

  it('lets exactly one of many concurrent reservations of a name win', async () => {
    const store = new StateStore(mkdtempSync(join(tmpdir(), 'kl-state-')));
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => store.reserveCluster(rec('same'))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(store.clusterDir('same'), 'cluster.json'), 'utf8')).name).toBe('same');
  });

  it('takes over a lock left by a dead process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kl-lock-'));
    const lock = join(dir, 'state.lock');
    writeFileSync(lock, '999999999');
    expect(await withLock(lock, () => 'got it', 2_000)).toBe('got it');
    expect(existsSync(lock)).toBe(false);
  });

  it('times out with a clear message on a lock held by a live process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kl-lock-'));
    const lock = join(dir, 'state.lock');
    writeFileSync(lock, String(process.pid));
    await expect(withLock(lock, () => 1, 300)).rejects.toThrow(/locked by process/);
  });

  it('reports a damaged state file instead of crashing', () => {
    const store = new StateStore(mkdtempSync(join(tmpdir(), 'kl-state-')));
    store.saveCluster(rec('b'));
    writeFileSync(join(store.clusterDir('b'), 'cluster.json'), '{not json');
    expect(() => store.listClusters()).toThrow(/not valid JSON/);
  });
});
