// KEP-2837: pod-level resources. pod.spec.resources sets requests/limits for the pod as a whole, so
// containers can share a budget instead of each getting a slice. Gate PodLevelResources: alpha 1.32,
// beta (on) 1.34. Where it is off the field is dropped.
import { defineScenario, type ScenarioContext } from 'kindlab';
import type { V1Container, V1Pod, V1ResourceRequirements } from '@kubernetes/client-node';
import { describeGate, gate } from './_support/cluster.js';

const PAUSE = 'registry.k8s.io/pause:3.10';

function pod(name: string, resources: V1ResourceRequirements, containers?: V1Container[]): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      automountServiceAccountToken: false,
      resources,
      containers: containers ?? [
        { name: 'app', image: PAUSE },
        { name: 'helper', image: PAUSE },
      ],
    },
  };
}

export default defineScenario({
  id: 'pod-level-resources',
  title: 'pod.spec.resources: one resource budget for the whole pod',
  kep: 2837,
  tags: ['1.32', 'sig-node'],
  versions: '>=1.32',
  requires: {
    needs: 'api',
    feature: { gate: 'PodLevelResources', components: ['kube-apiserver', 'kube-scheduler', 'kubelet'] },
  },
  description:
    'A pod with only pod-level limits (cpu 500m, memory 256Mi) and two containers without resources is accepted; ' +
    'the API server defaults the pod-level requests to the limits and classes the pod Guaranteed — from the ' +
    'pod-level resources alone (per container it would be BestEffort). Pod requests above the pod limits, a ' +
    'container limit above the pod limit, and resources other than cpu/memory/hugepages are rejected. Where the ' +
    'gate is off (1.32–1.33 default) the field is dropped and the pod is BestEffort.',
  async run(ctx: ScenarioContext) {
    const state = await gate(ctx, 'PodLevelResources');
    ctx.log(describeGate('PodLevelResources', state));
    const limits = { cpu: '500m', memory: '256Mi' };

    if (!state.enabled) {
      await ctx.step('gate off: pod.spec.resources is dropped', async () => {
        await ctx.create(pod('plr-off', { limits }));
        const p = await ctx.get<V1Pod>({ apiVersion: 'v1', kind: 'Pod', name: 'plr-off' });
        ctx.assert.equal(p.spec?.resources, undefined, 'spec.resources dropped with the gate off');
        ctx.assert.equal(p.status?.qosClass, 'BestEffort', 'no resources anywhere: BestEffort');
      });
      return;
    }

    await ctx.featureStep('pod-level limits are kept, requests default to them, the pod is Guaranteed', async () => {
      await ctx.create(pod('plr', { limits }));
      const p = await ctx.get<V1Pod>({ apiVersion: 'v1', kind: 'Pod', name: 'plr' });
      ctx.assert.matches(p.spec?.resources, { limits, requests: limits }, 'spec.resources with defaulted requests');
      ctx.assert.equal(p.spec?.containers[0]?.resources?.limits, undefined, 'containers keep no resources of their own');
      ctx.assert.equal(p.status?.qosClass, 'Guaranteed', 'QoS class computed from the pod-level resources');
    });

    await ctx.featureStep('inconsistent pod-level resources are rejected', async () => {
      await ctx.assert.rejects(
        ctx.create(pod('plr-req-over-limit', { requests: { cpu: '600m' }, limits: { cpu: '500m' } })),
        /spec\.resources\.requests: Invalid value: .*600m.*must be less than or equal to cpu limit of 500m/,
      );
      await ctx.assert.rejects(
        ctx.create(pod('plr-container-over', { limits: { cpu: '500m' } }, [{ name: 'app', image: PAUSE, resources: { limits: { cpu: '800m' } } }])),
        /must be less than or equal to pod limits of 500m/,
      );
      await ctx.assert.rejects(
        ctx.create(pod('plr-gpu', { limits: { 'example.com/gpu': '1' } })),
        /spec\.resources\.limits\[example\.com\/gpu\]: Unsupported value/,
      );
    });
  },
});
