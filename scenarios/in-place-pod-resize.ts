// KEP-1287: in-place pod resize. Container CPU/memory requests and limits can change without
// recreating the pod, through the pods/resize subresource (1.33+; earlier alphas patched the pod
// itself). The kubelet then applies the new values to the running container. Gate
// InPlacePodVerticalScaling: alpha 1.27, beta (on) 1.33, GA 1.35.
import { defineScenario, type ScenarioContext } from 'kindlab';
import type { V1Pod } from '@kubernetes/client-node';
import { describeGate, gate } from './_support/cluster.js';

const POD = 'resizable';

/** Burstable (requests below limits), cpu resizable without a restart. */
function burstablePod(): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: POD },
    spec: {
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 1,
      containers: [
        {
          name: 'app',
          image: 'registry.k8s.io/pause:3.10',
          resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
          resizePolicy: [{ resourceName: 'cpu', restartPolicy: 'NotRequired' }],
        },
      ],
    },
  };
}

/** A strategic-merge patch of the app container's cpu request (and limit). */
const cpuPatch = (req: string, lim?: string) => ({
  spec: { containers: [{ name: 'app', resources: { requests: { cpu: req }, ...(lim ? { limits: { cpu: lim } } : {}) } }] },
});

export default defineScenario({
  id: 'in-place-pod-resize',
  title: 'pods/resize changes container resources in place',
  kep: 1287,
  tags: ['1.33', 'sig-node'],
  versions: '>=1.33',
  requires: {
    images: ['registry.k8s.io/pause:3.10'],
    needs: 'api',
    nodePart: 'the kubelet resizes the running container without restarting it',
    feature: { gate: 'InPlacePodVerticalScaling', components: ['kube-apiserver', 'kube-scheduler', 'kubelet'] },
  },
  timeoutSeconds: 240,
  description:
    'API part (the pod need not run): a strategic-merge patch on pods/resize changes cpu requests/limits and the ' +
    'new values are in the pod spec; the same change through a plain pod update is refused ("pod updates may not ' +
    'change fields other than …"); a resize to requests above limits and one that would change the QoS class are ' +
    'refused. Node part (only where pods run): the kubelet actuates the resize — status.containerStatuses[].resources ' +
    'shows the new cpu request and the container was not restarted.',
  async run(ctx: ScenarioContext) {
    const state = await gate(ctx, 'InPlacePodVerticalScaling');
    ctx.log(describeGate('InPlacePodVerticalScaling', state));
    const resize = (patch: unknown) => ctx.kubectl(['patch', 'pod', POD, '-n', ctx.namespace, '--subresource=resize', '-p', JSON.stringify(patch)]);

    await ctx.step('create a Burstable pod', () => ctx.create<V1Pod>(burstablePod()));

    if (!state.enabled) {
      await ctx.step('gate off: the resize is refused', async () => {
        const res = await resize(cpuPatch('150m', '300m'));
        ctx.log(`kubectl patch --subresource=resize: exit ${res.exitCode}: ${res.stderr.trim()}`);
        ctx.assert.ok(res.exitCode !== 0, 'resizing must fail with InPlacePodVerticalScaling off');
      });
      return;
    }

    await ctx.featureStep('patch pods/resize: cpu 100m/200m → 150m/300m', async () => {
      const res = await resize(cpuPatch('150m', '300m'));
      ctx.assert.equal(res.exitCode, 0, `kubectl patch --subresource=resize: ${res.stderr}`);
      const p = await ctx.get<V1Pod>({ apiVersion: 'v1', kind: 'Pod', name: POD });
      ctx.assert.matches(p.spec?.containers[0]?.resources, { requests: { cpu: '150m', memory: '64Mi' }, limits: { cpu: '300m', memory: '128Mi' } });
    });

    await ctx.step('a plain pod update may not change resources', async () => {
      const res = await ctx.kubectl(['patch', 'pod', POD, '-n', ctx.namespace, '-p', JSON.stringify(cpuPatch('170m'))]);
      ctx.assert.ok(res.exitCode !== 0, 'patching resources without the resize subresource must fail');
      ctx.assert.includes(res.stderr, 'pod updates may not change fields other than');
    });

    await ctx.step('invalid resizes are refused', async () => {
      const over = await resize(cpuPatch('400m'));
      ctx.assert.ok(over.exitCode !== 0, 'requests above limits must fail');
      ctx.assert.includes(over.stderr, /must be less than or equal to cpu limit of 300m/);
      const qos = await resize({
        spec: { containers: [{ name: 'app', resources: { requests: { cpu: '300m', memory: '128Mi' }, limits: { cpu: '300m', memory: '128Mi' } } }] },
      });
      ctx.assert.ok(qos.exitCode !== 0, 'a resize that makes the pod Guaranteed must fail');
      ctx.assert.includes(qos.stderr, /Pod QOS Class may not change as a result of resizing/);
    });

    if (!ctx.cluster.hasNodes) {
      ctx.partial('node part: this cluster does not run pods (no kubelet), so nothing actuates the resize');
      return;
    }

    await ctx.featureStep('node: the kubelet applies the resize without restarting the container', async () => {
      await ctx.waitFor<V1Pod>({ apiVersion: 'v1', kind: 'Pod', name: POD }, (p) => p.status?.phase === 'Running', {
        timeoutSeconds: 120,
        description: `pod ${POD} Running`,
      });
      const res = await resize(cpuPatch('180m', '300m'));
      ctx.assert.equal(res.exitCode, 0, `kubectl patch --subresource=resize (180m): ${res.stderr}`);
      const p = await ctx.waitFor<V1Pod>(
        { apiVersion: 'v1', kind: 'Pod', name: POD },
        (x) => x.status?.containerStatuses?.[0]?.resources?.requests?.cpu === '180m',
        { timeoutSeconds: 120, description: 'status.containerStatuses[0].resources.requests.cpu = 180m' },
      );
      ctx.assert.equal(p.status?.containerStatuses?.[0]?.restartCount, 0, 'the container was not restarted');
    });
  },
});
