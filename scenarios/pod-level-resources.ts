// KEP-2837: pod-level resources. pod.spec.resources sets requests/limits for the pod as a whole, so
// containers can share a budget instead of each getting a slice. Gate PodLevelResources: alpha 1.32,
// beta (on) 1.34. Where it is off the field is dropped. Where pods run, the kubelet gives the pod's
// cgroup the pod-level limits, which upstream's e2e reads through a hostPath of the node's cgroup
// tree, as this scenario does.
import { defineScenario, type ScenarioContext } from 'kindlab';
import type { V1Container, V1Pod, V1ResourceRequirements } from '@kubernetes/client-node';
import { describeGate, gate } from './_support/cluster.js';

const PAUSE = 'registry.k8s.io/pause:3.10';
const BUSYBOX = 'registry.k8s.io/e2e-test-images/busybox:1.36.1-1';
const HOST_CGROUP = '/host-cgroup';

/**
 * Prints "<quota> <period> <memory limit>" of the pod's own cgroup, found by its UID under the node's
 * cgroup tree (systemd driver: …pod<uid with _>.slice; cgroupfs: pod<uid>): cgroup v2 cpu.max and
 * memory.max, else v1's cpu and memory hierarchies.
 */
export function podCgroupScript(uid: string, root = HOST_CGROUP): string {
  const names = `\\( -name '*pod${uid.replace(/-/g, '_')}.slice' -o -name 'pod${uid}' \\)`;
  return [
    `if [ -f ${root}/cgroup.controllers ]; then`,
    `  d=$(find ${root}/ -maxdepth 8 -type d ${names} | head -n 1); [ -n "$d" ] || exit 3`,
    '  echo "$(cat "$d/cpu.max") $(cat "$d/memory.max")"',
    'else',
    `  c=$(find ${root}/cpu/ -maxdepth 8 -type d ${names} | head -n 1); m=$(find ${root}/memory/ -maxdepth 8 -type d ${names} | head -n 1)`,
    '  [ -n "$c" ] && [ -n "$m" ] || exit 3',
    '  echo "$(cat "$c/cpu.cfs_quota_us") $(cat "$c/cpu.cfs_period_us") $(cat "$m/memory.limit_in_bytes")"',
    'fi',
  ].join('\n');
}

/** CPU limit (millicores) and memory limit (bytes) from podCgroupScript's output; unlimited is undefined. */
export function podCgroupLimits(output: string): { cpuMillis?: number; memoryBytes?: number } {
  const [quota, period, memory] = output.trim().split(/\s+/);
  const q = Number(quota);
  const p = Number(period);
  const m = Number(memory);
  return {
    cpuMillis: q > 0 && p > 0 ? Math.round((q * 1000) / p) : undefined,
    // v1 "unlimited" is a huge page-aligned number, v2 says "max"
    memoryBytes: Number.isFinite(m) && m > 0 && m < 2 ** 62 ? m : undefined,
  };
}

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
    images: [BUSYBOX],
    needs: 'api',
    nodePart: 'the kubelet gives the pod\'s cgroup the pod-level CPU and memory limits',
    feature: { gate: 'PodLevelResources', components: ['kube-apiserver', 'kube-scheduler', 'kubelet'] },
  },
  description:
    'A pod with only pod-level limits (cpu 500m, memory 256Mi) and two containers without resources is accepted; ' +
    'the API server defaults the pod-level requests to the limits and classes the pod Guaranteed — from the ' +
    'pod-level resources alone (per container it would be BestEffort). Pod requests above the pod limits, a ' +
    'container limit above the pod limit, and resources other than cpu/memory/hugepages are rejected. Where the ' +
    'gate is off (1.32–1.33 default) the field is dropped and the pod is BestEffort. Node part (only where pods run): ' +
    'the pod\'s own cgroup, read through a hostPath of the node\'s cgroup tree, has CPU quota 500m and memory limit 256Mi ' +
    'while its containers declare nothing.',
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

    if (!ctx.cluster.hasNodes) {
      ctx.partial('node part: this cluster does not run pods (no kubelet), so no pod cgroup gets the limits');
      return;
    }
    await ctx.featureStep('node: the pod\'s cgroup has the pod-level limits (cpu 500m, memory 256Mi)', () => podCgroupHasLimits(ctx, limits));
  },
});

async function podCgroupHasLimits(ctx: ScenarioContext, limits: { cpu: string; memory: string }): Promise<void> {
  const reader = pod('plr-node', { limits }, [
    { name: 'app', image: BUSYBOX, command: ['sh', '-c', 'sleep 3600'], volumeMounts: [{ name: 'cgroup', mountPath: HOST_CGROUP, readOnly: true }] },
    { name: 'helper', image: BUSYBOX, command: ['sh', '-c', 'sleep 3600'] },
  ]);
  reader.spec!.terminationGracePeriodSeconds = 1;
  reader.spec!.volumes = [{ name: 'cgroup', hostPath: { path: '/sys/fs/cgroup' } }];
  await ctx.create(reader);
  const running = await ctx.waitFor<V1Pod>({ apiVersion: 'v1', kind: 'Pod', name: 'plr-node' }, (p) => p.status?.phase === 'Running', {
    timeoutSeconds: 120,
    description: 'pod plr-node Running',
  });
  const r = await ctx.kubectl(['exec', '-n', ctx.namespace, 'plr-node', '-c', 'app', '--', 'sh', '-c', podCgroupScript(running.metadata!.uid!)]);
  ctx.assert.equal(r.exitCode, 0, `reading the pod's cgroup (exit 3: no cgroup named after the pod's UID): ${r.stderr.slice(-300)}`);
  ctx.log(`pod cgroup: ${r.stdout.trim()}`);
  ctx.assert.matches(podCgroupLimits(r.stdout), { cpuMillis: 500, memoryBytes: 256 * 1024 * 1024 }, 'the pod cgroup\'s CPU quota and memory limit');
}
