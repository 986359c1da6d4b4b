// planRun: one version → the planner as is; two versions (an explicit --image beside local
// binaries) → each scenario on local at the local version when it fits, else on kind at the kind
// version, clusters numbered across both, skips with both reasons.
import { describe, expect, it } from 'vitest';
import { planRun } from '../../../src/target/plan-run.js';
import { providerVersion, type ResolvedTarget } from '../../../src/target/resolve.js';
import { REAL_PROVIDERS } from '../../../src/cluster/providers.js';

const app = { providers: REAL_PROVIDERS };
import { defineScenario, type Scenario, type ScenarioRequirements } from '../../../src/scenario/types.js';

const sc = (id: string, requires: ScenarioRequirements = {}, extra: Partial<Scenario> = {}): Scenario =>
  defineScenario({ id, title: id, requires, run: async () => {}, ...extra });

const single: ResolvedTarget = {
  target: { version: '1.37.2', description: 'v1.37.2 (binaries in /lab)', providers: { local: true, kind: true } },
  image: 'kindlab/node:v1.37.2',
  binDir: '/lab',
};
const split: ResolvedTarget = {
  ...single,
  target: { ...single.target, description: 'local: v1.37.2 (binaries in /lab), kind: v1.36.0 (image x:v1.36.0)' },
  image: 'x:v1.36.0',
  split: { binaries: { version: '1.37.2', description: 'v1.37.2 (binaries in /lab)' }, 'node-image': { version: '1.36.0', description: 'v1.36.0 (image x:v1.36.0)' } },
};

describe('planRun', () => {
  const scenarios = [sc('api'), sc('node', { needs: 'node' }), sc('old-api', {}, { versions: '<1.37' }), sc('new-only', {}, { versions: '>=1.38' }), sc('new-node', { needs: 'node' }, { versions: '>=1.37' })];

  it('one version: API scenarios on local, node scenarios on kind, both at the target', () => {
    const p = planRun(app, scenarios, single, 'kl-r');
    expect(p.clusters.map((c) => [c.name, c.provider, c.scenarios])).toEqual([
      ['kl-r-1', 'local', ['api']],
      ['kl-r-2', 'kind', ['node', 'new-node']],
    ]);
    expect(p.skips.map((s) => s.id)).toEqual(['old-api', 'new-only']);
    expect(providerVersion(app, single, 'kind')).toBe('1.37.2');
  });

  it('two versions: each side plans at its own version; skips carry both reasons', () => {
    const p = planRun(app, scenarios, split, 'kl-r');
    expect(p.clusters.map((c) => [c.name, c.provider, c.scenarios])).toEqual([
      ['kl-r-1', 'local', ['api']],
      ['kl-r-2', 'kind', ['node', 'old-api']],
    ]);
    expect(p.skips).toEqual([
      { id: 'new-only', reason: 'local (v1.37.2): needs Kubernetes >=1.38; the target is v1.37.2 (binaries in /lab); kind (v1.36.0): needs Kubernetes >=1.38; the target is v1.36.0 (image x:v1.36.0)', kind: 'verdict' },
      { id: 'new-node', reason: 'needs Kubernetes >=1.37; the target is v1.36.0 (image x:v1.36.0)', kind: 'verdict' },
    ]);
    expect(providerVersion(app, split, 'local')).toBe('1.37.2');
    expect(providerVersion(app, split, 'kind')).toBe('1.36.0');
    expect(p.target.description).toMatch(/^local: v1.37.2 .*, kind: v1.36.0/);
  });

  it('two versions, kind unusable: node scenarios skipped with kind’s reason', () => {
    const p = planRun(app, [sc('api'), sc('node', { needs: 'node' })], { ...split, target: { ...split.target, providers: { local: true, kind: 'kind is not installed' } } }, 'kl-r');
    expect(p.clusters.map((c) => c.provider)).toEqual(['local']);
    expect(p.skips).toEqual([{ id: 'node', reason: 'needs running pods (a kubelet), and kind cannot run here: kind is not installed', kind: 'environment' }]);
    // An API scenario neither side can run: no mention of a --provider flag the user did not give.
    const q = planRun(app, [sc('old-api', {}, { versions: '<1.37' })], { ...split, target: { ...split.target, providers: { local: true, kind: 'kind is not installed' } } }, 'kl-r');
    expect(q.skips[0]!.reason).toBe('local (v1.37.2): needs Kubernetes <1.37; the target is v1.37.2 (binaries in /lab); kind (v1.36.0): kind cannot run here: kind is not installed');
    // a verdict on one side and this machine on the other: not a verdict
    expect(q.skips[0]!.kind).toBe('environment');
  });
});

describe('an API scenario with a node part', () => {
  const probe = sc('probe', { nodePart: 'a kubelet restarts the container' });
  it('gets nodes where a provider with nodes can run here, on one version or two', () => {
    expect(planRun(app, [sc('api'), probe], single, 'kl-r').clusters.map((c) => [c.provider, c.scenarios])).toEqual([
      ['local', ['api']],
      ['kind', ['probe']],
    ]);
    expect(planRun(app, [sc('api'), probe], split, 'kl-r').clusters.map((c) => [c.provider, c.scenarios])).toEqual([
      ['local', ['api']],
      ['kind', ['probe']],
    ]);
  });
  it('runs its API part on local where no provider with nodes can run, or when local is asked for', () => {
    const noKind: ResolvedTarget = { ...single, target: { ...single.target, providers: { local: true, kind: 'kind is not installed' } } };
    expect(planRun(app, [probe], noKind, 'kl-r').clusters.map((c) => [c.provider, c.scenarios])).toEqual([['local', ['probe']]]);
    const forced: ResolvedTarget = { ...single, target: { ...single.target, forceProvider: 'local' } };
    expect(planRun(app, [probe], forced, 'kl-r').clusters.map((c) => [c.provider, c.scenarios])).toEqual([['local', ['probe']]]);
  });
});
