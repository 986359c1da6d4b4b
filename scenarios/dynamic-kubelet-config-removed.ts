// KEP-281: DynamicKubeletConfig is gone. Node.spec.configSource used to point a kubelet at a
// ConfigMap holding its configuration; with the feature removed (kubelet side in 1.24, gate gone
// from the control plane in 1.26) the API server still accepts the field in requests but drops it,
// so nothing can ask a kubelet to reconfigure itself any more.
import { defineScenario, type ScenarioContext } from 'kindlab';
import type { V1Node } from '@kubernetes/client-node';
import { clusterScopedName, describeGate, gate } from './_support/cluster.js';

const configSource = {
  configMap: { name: 'kubelet-config', namespace: 'kube-system', kubeletConfigKey: 'kubelet' },
};

export default defineScenario({
  id: 'dynamic-kubelet-config-removed',
  title: 'Node.spec.configSource is dropped: DynamicKubeletConfig is gone',
  kep: 281,
  tags: ['1.24', 'removal', 'sig-node'],
  versions: '>=1.24',
  requires: { needs: 'api' },
  description:
    'Creates a Node object by hand (no kubelet needed) with spec.configSource, then patches the field in ' +
    'again: both requests succeed and the field is absent on read-back. Where the DynamicKubeletConfig gate ' +
    'is still on (≤1.25 with the gate forced on) the field is kept, which the scenario then asserts instead.',
  async run(ctx: ScenarioContext) {
    const dkc = await gate(ctx, 'DynamicKubeletConfig');
    ctx.log(describeGate('DynamicKubeletConfig', dkc));
    const name = clusterScopedName(ctx, 'dkc');
    const ref = { apiVersion: 'v1', kind: 'Node', name };

    await ctx.step('create a Node with spec.configSource', async () => {
      // Cluster-scoped and hand-made: ctx.create tracks it, so the runner deletes it afterwards.
      await ctx.create<V1Node>({
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name, labels: { 'kindlab.io/scenario': 'dynamic-kubelet-config-removed' } },
        spec: { configSource, unschedulable: true },
      });
      const node = await ctx.get<V1Node>(ref);
      if (dkc.enabled) {
        ctx.assert.matches(node.spec?.configSource, configSource, 'configSource kept while the gate is on');
      } else {
        ctx.assert.equal(node.spec?.configSource, undefined, 'spec.configSource must be dropped on create');
      }
    });

    await ctx.step('patch spec.configSource onto the Node', async () => {
      const patch = JSON.stringify({ spec: { configSource } });
      const res = await ctx.kubectl(['patch', 'node', name, '--type=merge', '-p', patch]);
      ctx.assert.equal(res.exitCode, 0, `kubectl patch must succeed (the field is accepted, then dropped): ${res.stderr}`);
      const node = await ctx.get<V1Node>(ref);
      if (dkc.enabled) {
        ctx.assert.matches(node.spec?.configSource, configSource, 'configSource kept while the gate is on');
      } else {
        ctx.assert.equal(node.spec?.configSource, undefined, 'spec.configSource must be absent after the patch');
        // The rest of the spec is untouched: only the removed feature's field is stripped.
        ctx.assert.equal(node.spec?.unschedulable, true, 'other spec fields are kept');
      }
    });
  },
});
