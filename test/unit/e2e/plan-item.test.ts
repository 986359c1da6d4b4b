import { describe, expect, it } from 'vitest';
import { e2ePlanItem } from '../../../src/e2e/plan-item.js';
import { parseE2eSelector } from '../../../src/e2e/selector.js';
import { plan, type PlanTarget } from '../../../src/plan/planner.js';

const target = (version: string): PlanTarget => ({ version, description: `v${version}`, providers: { local: true, kind: true } });

describe('an upstream selection as a plan item', () => {
  it('a label filter on a release before Ginkgo v2 (1.24) is a verdict skip saying why, not an empty pass', () => {
    const p = plan([e2ePlanItem(parseE2eSelector('e2e:label=Conformance'))], target('1.24.17'));
    expect(p.clusters).toEqual([]);
    expect(p.skips).toEqual([{ id: 'e2e:label=Conformance', kind: 'verdict', reason: expect.stringMatching(/label filter needs Ginkgo v2 labels; Kubernetes before 1\.25 runs its e2e suite on Ginkgo v1/) }]);
  });
  it('the same filter from 1.25 on goes to nodes, with the gate its label names turned on where alpha', () => {
    const p = plan([e2ePlanItem(parseE2eSelector('e2e:label=FeatureGate:GRPCContainerProbeTLS'))], { ...target('1.37.2'), sourceGates: new Map([['GRPCContainerProbeTLS', [{ since: 37, stage: 'alpha', default: false, locked: false }]]]) as PlanTarget['sourceGates'] });
    expect(p.clusters.map((c) => [c.provider, c.profile.featureGates])).toEqual([['kind', { GRPCContainerProbeTLS: true }]]);
  });
  it('goes to nodes wherever a node provider can run here; with --provider local it runs on the control plane alone, as a scenario with a node part', () => {
    const item = e2ePlanItem(parseE2eSelector('e2e:ValidatingAdmissionPolicy'));
    expect(plan([item], target('1.37.2')).clusters.map((c) => c.provider)).toEqual(['kind']);
    expect(plan([item], { ...target('1.37.2'), providers: { local: true, kind: 'not installed' } }).clusters.map((c) => c.provider)).toEqual(['local']);
    expect(plan([item], { ...target('1.37.2'), forceProvider: 'local' }).clusters.map((c) => c.provider)).toEqual(['local']);
    expect(item.requires?.nodePart).toMatch(/suite set-up finds schedulable nodes/);
  });
});
