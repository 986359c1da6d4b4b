// KEP-1287: in-place pod resize. Container CPU/memory requests and limits can change without
// recreating the pod, through the pods/resize subresource (1.33+; earlier alphas patched the pod
// itself). The kubelet then applies the new values to the running container. Gate
// InPlacePodVerticalScaling: alpha 1.27, beta (on) 1.33, GA 1.35.
import { defineScenario, type ScenarioContext } from 'kindlab';
import type { V1Pod } from '@kubernetes/client-node';
import { describeGate, gate } from './_support/cluster.js';

const POD = 'resizable';
const BUSYBOX = 'registry.k8s.io/e2e-test-images/busybox:1.36.1-1';

/**
 * The container's own CPU limit file(s), as upstream's resize e2e reads them from inside the container:
 * cgroup v2 `cpu.max` ("<quota|max> <period>"), else cgroup v1's quota and period.
 */
const READ_CPU_LIMIT = 'cat /sys/fs/cgroup/cpu.max 2>/dev/null || { cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us; cat /sys/fs/cgroup/cpu/cpu.cfs_period_us; }';

/** Millicores of a CPU limit from READ_CPU_LIMIT's output; undefined where it is unlimited or unreadable. */
export function cpuLimitMillis(output: string): number | undefined {
  const words = output.trim().split(/\s+/);
  if (words.length !== 2 || !/^\d+$/.test(words[1]!) || !/^(-?\d+|max)$/.test(words[0]!)) return undefined;
  const [quota, period] = [Number(words[0]), Number(words[1])];
  return Number.isFinite(quota) && quota > 0 && period > 0 ? Math.round((quota * 1000) / period) : undefined;
}

/** Burstable (requests below limits), cpu resizable without a restart; a shell to read its cgroup. */
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
          image: BUSYBOX,
          command: ['sh', '-c', 'sleep 3600'],
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
    images: [BUSYBOX],
    needs: 'api',
    nodePart: 'the kubelet resizes the running container, in its cgroup, without restarting it',
    feature: { gate: 'InPlacePodVerticalScaling', components: ['kube-apiserver', 'kube-scheduler', 'kubelet'] },
  },
  timeoutSeconds: 240,
  description:
    'API part (the pod need not run): a strategic-merge patch on pods/resize changes cpu requests/limits and the ' +
    'new values are in the pod spec; the same change through a plain pod update is refused ("pod updates may not ' +
    'change fields other than …"); a resize to requests above limits and one that would change the QoS class are ' +
    'refused. Node part (only where pods run): the kubelet actuates the resize — the container\'s own cgroup CPU limit ' +
    '(cpu.max on cgroup v2, cpu.cfs_quota_us/period on v1, read inside it) follows a resize from 300m to 400m, ' +
    'status.containerStatuses[].resources shows the new cpu request (180m) and the container was not restarted.',
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

    await ctx.featureStep('node: the kubelet applies the resize to the container\'s cgroup without restarting it', async () => {
      await ctx.waitFor<V1Pod>({ apiVersion: 'v1', kind: 'Pod', name: POD }, (p) => p.status?.phase === 'Running', {
        timeoutSeconds: 120,
        description: `pod ${POD} Running`,
      });
      const cgroupLimit = async () => {
        const r = await ctx.kubectl(['exec', '-n', ctx.namespace, POD, '-c', 'app', '--', 'sh', '-c', READ_CPU_LIMIT]);
        ctx.assert.equal(r.exitCode, 0, `reading the container's cgroup CPU limit: ${r.stderr.slice(-300)}`);
        return cpuLimitMillis(r.stdout);
      };
      // 300m from the API step above: the kubelet has it in the cgroup before this resize
      const before = await ctx.eventually(async () => ((await cgroupLimit()) === 300 ? 300 : undefined), {
        timeoutSeconds: 60,
        description: 'the cgroup CPU limit of the first resize (300m)',
      });
      const res = await resize(cpuPatch('180m', '400m'));
      ctx.assert.equal(res.exitCode, 0, `kubectl patch --subresource=resize (180m/400m): ${res.stderr}`);
      const p = await ctx.waitFor<V1Pod>(
        { apiVersion: 'v1', kind: 'Pod', name: POD },
        (x) => x.status?.containerStatuses?.[0]?.resources?.requests?.cpu === '180m',
        { timeoutSeconds: 120, description: 'status.containerStatuses[0].resources.requests.cpu = 180m' },
      );
      const after = await ctx.eventually(async () => {
        const m = await cgroupLimit();
        return m === 400 ? m : undefined;
      }, { timeoutSeconds: 60, description: 'the container\'s cgroup CPU limit to become 400m' });
      ctx.log(`cgroup CPU limit ${before}m → ${after}m`);
      ctx.assert.equal(p.status?.containerStatuses?.[0]?.restartCount, 0, 'the container was not restarted');
    });
  },
});
