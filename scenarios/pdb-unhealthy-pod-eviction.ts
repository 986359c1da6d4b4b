// KEP-3017: PodDisruptionBudget unhealthyPodEvictionPolicy. With the default IfHealthyBudget, a
// running but not-ready pod can only be evicted while the budget is met — so a broken app with a PDB
// blocks node drains forever. AlwaysAllow lets such unhealthy pods be evicted regardless.
// Gate PDBUnhealthyPodEvictionPolicy: alpha 1.26, beta (on) 1.27, GA 1.31, removed 1.33.
import { defineScenario, type ScenarioContext } from 'kindlab';
import type { V1Pod, V1PodDisruptionBudget } from '@kubernetes/client-node';
import { describeGate, gate } from './_support/cluster.js';
import { createFakeNode, createPodOnNode, setPodStatus } from './_support/fake-node.js';
import { apiRequest } from './_support/http.js';

function pdb(name: string, app: string, policy?: string): V1PodDisruptionBudget {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name },
    spec: { minAvailable: 1, selector: { matchLabels: { app } }, ...(policy ? { unhealthyPodEvictionPolicy: policy } : {}) },
  };
}

export default defineScenario({
  id: 'pdb-unhealthy-pod-eviction',
  title: 'PDB unhealthyPodEvictionPolicy: AlwaysAllow evicts running-but-unready pods',
  kep: 3017,
  tags: ['1.26', 'sig-apps'],
  versions: '>=1.26',
  requires: {
    needs: 'api',
    feature: { gate: 'PDBUnhealthyPodEvictionPolicy', components: ['kube-apiserver'] },
  },
  timeoutSeconds: 180,
  description:
    'API part: unhealthyPodEvictionPolicy AlwaysAllow and IfHealthyBudget are accepted and kept, an unknown value ' +
    'is rejected with the supported values. Behaviour without a kubelet: two pods are bound to a hand-made Node ' +
    'and their status is set to Running / Ready=False, each guarded by a PDB with minAvailable 1 (the disruption ' +
    'controller reports 0 healthy, 0 disruptions allowed). Evicting the pod under IfHealthyBudget is refused ' +
    '(429, "would violate the pod\'s disruption budget"); evicting the one under AlwaysAllow succeeds. Where the ' +
    'gate is off (1.26 default) the field is dropped and both evictions are refused.',
  async run(ctx: ScenarioContext) {
    const state = await gate(ctx, 'PDBUnhealthyPodEvictionPolicy');
    ctx.log(describeGate('PDBUnhealthyPodEvictionPolicy', state));

    if (state.enabled) {
      await ctx.featureStep('the policy field is validated', async () => {
        await ctx.assert.rejects(
          ctx.create(pdb('pdb-invalid', 'none', 'Sometimes')),
          /spec\.unhealthyPodEvictionPolicy: Unsupported value: .*Sometimes.*supported values: .*AlwaysAllow.*IfHealthyBudget/,
        );
      });
    }

    await ctx.step('two running-but-unready pods on a node without a kubelet', async () => {
      const node = await createFakeNode(ctx, 'pdb');
      for (const app of ['guarded', 'drainable']) {
        await createPodOnNode(ctx, `${app}-0`, node, { app });
        await setPodStatus(ctx, `${app}-0`, { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] });
      }
    });

    await ctx.step('PDBs with minAvailable 1: IfHealthyBudget and AlwaysAllow', async () => {
      await ctx.create(pdb('guarded', 'guarded', 'IfHealthyBudget'));
      await ctx.create(pdb('drainable', 'drainable', 'AlwaysAllow'));
      const kept = await ctx.get<V1PodDisruptionBudget>({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', name: 'drainable' });
      if (state.enabled) ctx.assert.equal(kept.spec?.unhealthyPodEvictionPolicy, 'AlwaysAllow', 'policy kept');
      else ctx.assert.equal(kept.spec?.unhealthyPodEvictionPolicy, undefined, 'gate off: policy dropped');
      for (const name of ['guarded', 'drainable']) {
        await ctx.waitFor<V1PodDisruptionBudget>(
          { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', name },
          (p) => p.status?.observedGeneration === p.metadata?.generation && p.status?.expectedPods === 1,
          { timeoutSeconds: 60, description: `the disruption controller to observe PDB ${name}` },
        );
      }
    });

    const evict = (pod: string) =>
      apiRequest(ctx, {
        method: 'POST',
        path: `/api/v1/namespaces/${ctx.namespace}/pods/${pod}/eviction`,
        body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod, namespace: ctx.namespace } },
      });

    await ctx.step('IfHealthyBudget: evicting the unready pod is refused', async () => {
      const res = await evict('guarded-0');
      ctx.assert.equal(res.status, 429, `HTTP ${res.status}: ${res.body}`);
      ctx.assert.includes(res.body, "Cannot evict pod as it would violate the pod's disruption budget");
    });

    await ctx.featureStep(`AlwaysAllow: evicting the unready pod ${state.enabled ? 'succeeds' : 'is refused (gate off)'}`, async () => {
      const res = await evict('drainable-0');
      if (state.enabled) {
        ctx.assert.equal(res.status, 201, `HTTP ${res.status}: ${res.body}`);
        const p = await ctx.get<V1Pod>({ apiVersion: 'v1', kind: 'Pod', name: 'drainable-0' }).catch(() => undefined);
        ctx.assert.ok(p === undefined || p.metadata?.deletionTimestamp !== undefined, 'the evicted pod is being deleted');
      } else {
        ctx.assert.equal(res.status, 429, `HTTP ${res.status}: ${res.body}`);
      }
    });
  },
});
