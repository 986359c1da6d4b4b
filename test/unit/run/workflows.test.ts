// The cluster workflows (up, run, ls, down, plan) driven in memory with the TEST providers and
// cluster API of test/helpers/in-memory-app.ts: what each does to the records, what it refuses,
// and that none of them asks which provider it is. The real providers: test/e2e and test/kind.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyProfile } from '../../../src/cluster/profile.js';
import { ConflictError, UsageError } from '../../../src/errors.js';
import { downWorkflow } from '../../../src/workflows/down.js';
import { inventory, prune } from '../../../src/workflows/ls.js';
import { planWorkflow } from '../../../src/workflows/plan.js';
import { runWorkflow } from '../../../src/workflows/run.js';
import { upWorkflow } from '../../../src/workflows/up.js';
import { inMemoryApp } from '../../helpers/in-memory-app.js';
import { repoRoot } from '../../helpers/env.js';

const FIXTURES = join(repoRoot, 'test/fixtures/pipeline-scenarios');
const settings = { scenariosDir: [FIXTURES], builtin: false, parallel: 1 };

describe('up → run → ls → down on a TEST provider', () => {
  it('up records the cluster; run plans against what the cluster is; ls sees it; down deletes it', async () => {
    const t = inMemoryApp({ binariesVersion: 'v1.37.2' });
    const rec = await upWorkflow(t.app, { name: 'mine', provider: 'test-api', profile: { ...emptyProfile(), featureGates: { SidecarContainers: true } } });
    expect(rec.binDir).toBe(join(t.home, 'stand-in-bin'));
    expect(t.app.store.getCluster('mine')?.state).toBe('ready');

    const { report } = await runWorkflow(t.app, { ...settings, selectors: ['api-one', 'nodes-one'], cluster: 'mine' });
    // the cluster has no nodes (its provider says so): nodes-one is skipped, not run and failed
    expect(report.results.map((r) => [r.id, r.status, r.skipKind])).toEqual([
      ['api-one', 'passed', undefined],
      ['nodes-one', 'skipped', 'environment'],
    ]);
    expect(t.journal).toEqual(['create mine', 'run api-one on mine']);

    expect((await inventory(t.app)).clusters.map((r) => [r.record.name, r.observed])).toEqual([['mine', 'ready']]);
    expect(await downWorkflow(t.app, ['mine'])).toEqual(['mine']);
    expect(t.app.store.listClusters()).toEqual([]);
    expect(t.live.size).toBe(0);
  });

  it('up refuses flags its provider cannot take, before anything is created', async () => {
    const t = inMemoryApp({ binariesVersion: 'v1.37.2' });
    await expect(upWorkflow(t.app, { name: 'x', provider: 'test-api', profile: emptyProfile(), k8sVersion: 'v1.37.2' })).rejects.toThrow(/runs binaries, not node images/);
    await expect(upWorkflow(t.app, { name: 'x', provider: 'test-nodes', profile: emptyProfile(), binDir: '/nowhere' })).rejects.toThrow(/--bin-dir applies to a provider that runs binaries/);
    await expect(upWorkflow(t.app, { name: 'x', provider: 'test-nodes', profile: emptyProfile(), exportKubeconfig: true })).rejects.toThrow(/--export-kubeconfig does not apply/);
    expect(t.journal).toEqual([]);
  });

  it('run refuses a cluster kindlab does not know, or one that is not ready', async () => {
    const t = inMemoryApp({ binariesVersion: 'v1.37.2' });
    await expect(runWorkflow(t.app, { ...settings, selectors: ['api-one'], cluster: 'nope' })).rejects.toBeInstanceOf(UsageError);
    await upWorkflow(t.app, { name: 'half', provider: 'test-api', profile: emptyProfile() });
    t.app.store.saveCluster({ ...t.app.store.getCluster('half')!, state: 'failed' });
    await expect(runWorkflow(t.app, { ...settings, selectors: ['api-one'], cluster: 'half' })).rejects.toThrow(/is failed, not ready/);
  });

  it('ls: a cluster deleted behind kindlab\'s back is missing, and --prune forgets it', async () => {
    const t = inMemoryApp({ binariesVersion: 'v1.37.2' });
    await upWorkflow(t.app, { name: 'gone', provider: 'test-api', profile: emptyProfile() });
    t.live.delete('gone');
    const rows = await inventory(t.app);
    expect(rows.clusters.map((r) => [r.record.name, r.observed])).toEqual([['gone', 'missing']]);
    expect(await prune(t.app, rows)).toEqual(['cluster gone']);
    expect(t.app.store.listClusters()).toEqual([]);
  });

  it('down refuses a name kindlab does not know, and says so differently for a cluster someone else made', async () => {
    const t = inMemoryApp({ binariesVersion: 'v1.37.2' });
    t.live.set('theirs', { provider: 'test-nodes', foreign: true });
    await expect(downWorkflow(t.app, ['theirs'])).rejects.toBeInstanceOf(ConflictError);
    await expect(downWorkflow(t.app, ['nobody'])).rejects.toBeInstanceOf(UsageError);
    expect(t.live.has('theirs')).toBe(true);
    expect(t.journal).toEqual([]);
  });
});

describe('plan with the TEST providers', () => {
  it('shows each planned cluster with its version, and plans a node-image provider that cannot run here, saying so', async () => {
    const t = inMemoryApp({ binariesVersion: 'v1.37.2', behaviour: { available: { 'test-nodes': 'TEST: no container runtime' } } });
    const view = await planWorkflow(t.app, { ...settings, selectors: ['api-one', 'nodes-one'], provider: 'auto', k8sVersion: 'v1.37.2' });
    expect(view.clusters.map((c) => [c.provider, c.scenarios, c.version])).toEqual([
      ['test-api', ['api-one'], 'v1.37.2'],
      ['test-nodes', ['nodes-one'], 'v1.37.2'],
    ]);
    expect(view.unavailable).toEqual({ 'test-nodes': 'TEST: no container runtime' });
    expect(view.plan.notes.join('\n')).toMatch(/test-nodes cannot run on this machine \(TEST: no container runtime\)/);
    expect(t.journal).toEqual([]);
  });
});
