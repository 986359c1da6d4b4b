// The kubelet's cAdvisor endpoint exports container_oom_events_total from 1.24 (k/k PR 108004):
// a counter of out-of-memory kills per container, so an alert can fire on OOM kills that did not
// restart the container (a child process killed, PID 1 alive).
import { defineScenario, type ScenarioContext } from 'kindlab';
import type { V1Pod } from '@kubernetes/client-node';

const POD = 'oom-child';

/** The container_oom_events_total sample of `pod`/`container` once it is ≥ 1, from cAdvisor's text. */
export function oomEventLine(metrics: string, pod: string, container: string): string | undefined {
  return metrics
    .split('\n')
    .filter((l) => l.startsWith('container_oom_events_total{') && l.includes(`pod="${pod}"`) && l.includes(`container="${container}"`))
    .find((l) => Number(l.trim().split(/\s+/)[1]) >= 1);
}

/**
 * When the counter never showed the kill: a skip reason only if the container saw its child killed
 * (dd's "Killed" or rc=137) AND the node runs cgroup v1, the one known limit; otherwise undefined, a failure.
 */
export function uncountedOomSkip(containerLog: string, cgroupVersion: string): string | undefined {
  const killed = /Killed|rc=137/.test(containerLog);
  if (!killed || cgroupVersion.trim() !== 'v1') return undefined;
  return (
    'the kernel OOM-killed the child (the container printed it), but on a cgroup v1 node the kernel reports the kill under the ' +
    'host\'s cgroup path (/docker/<id>/kubelet.slice/...), which cAdvisor inside a kind node cannot map to the container; ' +
    'the counter needs a cgroup v2 host'
  );
}

export default defineScenario({
  id: 'kubelet-oom-metric',
  title: 'kubelet exports container_oom_events_total',
  tags: ['1.24', 'sig-node', 'metrics'],
  versions: '>=1.24',
  requires: {
    images: ['registry.k8s.io/e2e-test-images/busybox:1.36.1-1'],
    needs: 'node',
    // cAdvisor learns of an OOM kill from the kernel log; on a cgroup v1 host the kernel names the
    // host's cgroup path (/docker/<id>/kubelet.slice/…), which a kind node's kubelet cannot map to
    // the container: the counter cannot count there, so the plan skips instead of a run timing out.
    host: { cgroup: '2', why: 'container_oom_events_total counts a kill only where cAdvisor can map the kernel\'s cgroup path to the container (cgroup v2)' },
    perVersion: [
      {
        versions: '>=1.28 <1.32',
        skip: 'from 1.28 a cgroup v2 kubelet OOM-kills the whole container (memory.oom.group, k/k PR 117793) and only 1.32 adds singleProcessOOMKill to keep PID 1 alive: a child-only kill, which this check counts without the series being reset, cannot be made on 1.28–1.31',
      },
      {
        versions: '>=1.32',
        kubelet: { singleProcessOOMKill: true },
        note: 'from 1.32 the kubelet OOM-kills a cgroup v2 container as a whole (memory.oom.group) unless singleProcessOOMKill: true; the child alone must die',
      },
    ],
  },
  timeoutSeconds: 300,
  description:
    'Runs a pod with a 32Mi memory limit whose shell keeps starting a child (dd with a 64Mi block) that the ' +
    'kernel OOM-kills (PID 1 survives, so the series is not reset). The kubelet of the pod\'s node then ' +
    'reports container_oom_events_total ≥ 1 for that container on /metrics/cadvisor. cAdvisor learns of the kill ' +
    'from the kernel log; on a cgroup v1 host a kind node\'s kubelet cannot attribute it (the kernel names the ' +
    'host\'s cgroup path), so the plan skips it there (needs cgroup v2); on an existing cluster whose host cannot be ' +
    'checked, it skips once the container shows it was killed, and fails otherwise. On 1.28–1.31 it is skipped: a ' +
    'cgroup v2 kubelet kills the whole container, and singleProcessOOMKill (which keeps PID 1) only came in 1.32.',
  async run(ctx: ScenarioContext) {
    if (!ctx.cluster.hasNodes) ctx.skip('this cluster runs no pods (no kubelet); the feature lives in the kubelet');
    await ctx.step('run a pod whose child process is OOM-killed', () =>
      ctx.create<V1Pod>({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: POD },
        spec: {
          automountServiceAccountToken: false,
          containers: [
            {
              name: 'hog',
              image: 'registry.k8s.io/e2e-test-images/busybox:1.36.1-1',
              // dd with a 64Mi block fills a 64Mi buffer: a child that the OOM killer picks over PID 1.
              command: ['sh', '-c', 'while true; do dd if=/dev/zero of=/dev/null bs=64M count=1; echo rc=$?; sleep 2; done'],
              resources: { limits: { memory: '32Mi' }, requests: { memory: '32Mi' } },
            },
          ],
        },
      }),
    );

    const node = await ctx.step('the pod runs', async () => {
      const pod = await ctx.waitFor<V1Pod>(
        { apiVersion: 'v1', kind: 'Pod', name: POD },
        (p) => p.status?.phase === 'Running',
        { timeoutSeconds: 150, description: `pod ${POD} Running` },
      );
      return pod.spec!.nodeName!;
    });

    await ctx.step(`kubelet on ${node} reports container_oom_events_total ≥ 1 for the container`, async () => {
      const counted = async (): Promise<string | undefined> => oomEventLine(await ctx.kubeletMetrics(node, '/metrics/cadvisor'), POD, 'hog');
      try {
        ctx.log(await ctx.eventually(counted, { timeoutSeconds: 90, intervalMs: 5000, description: `container_oom_events_total{pod="${POD}",container="hog"} ≥ 1` }));
      } catch (e) {
        // Tell "the kubelet did not count a kill that happened" on a cgroup v1 node (a known
        // limit, see the description) from a real failure: the container's own view says which.
        const log = await ctx.logs(POD, 'hog');
        const cgroup = (await ctx.exec(POD, 'hog', ['sh', '-c', 'test -f /sys/fs/cgroup/cgroup.controllers && echo v2 || echo v1'])).stdout;
        const skip = uncountedOomSkip(log, cgroup);
        if (skip) ctx.skip(skip);
        throw e;
      }
    });
  },
});
