// KEP-2307: Job tracking with finalizers. Instead of counting finished pods that must linger, the
// Job controller puts the finalizer batch.kubernetes.io/job-tracking on every pod it creates and
// removes it once the pod is accounted for in the Job status. 1.24 switched the (beta) gate off
// by default because of a bug; 1.25 switched it back on, 1.26 made it GA, 1.29 removed the gate.
import { defineScenario, type ScenarioContext } from 'kindlab';
import type { V1Job, V1Pod, V1PodList } from '@kubernetes/client-node';
import { describeGate, gate, type GateState } from './_support/cluster.js';

const FINALIZER = 'batch.kubernetes.io/job-tracking';

const BUSYBOX = 'registry.k8s.io/e2e-test-images/busybox:1.36.1-1';
/** Long enough for the checks made while the pod runs; short enough to end within the scenario. */
const RUN_SECONDS = 20;

/** The pod terminates (by itself, or by hand without a kubelet); the Job counts it and, with the gate, lets go of the pod. */
async function podEndsAndJobCompletes(ctx: ScenarioContext, state: GateState, name: string, pod: V1Pod): Promise<void> {
  await ctx.step(ctx.cluster.hasNodes ? `the pod ends by itself (sleep ${RUN_SECONDS})` : 'the pod terminates (phase Succeeded, set by hand: no kubelet runs it)', async () => {
    if (ctx.cluster.hasNodes) {
      await ctx.waitFor<V1Pod>({ apiVersion: 'v1', kind: 'Pod', name: pod.metadata!.name! }, (p) => p.status?.phase === 'Succeeded', { timeoutSeconds: 120, description: `pod ${pod.metadata?.name} Succeeded` });
      return;
    }
    const res = await ctx.kubectl(['patch', 'pod', pod.metadata!.name!, '-n', ctx.namespace, '--subresource=status', '--type=merge', '-p', '{"status":{"phase":"Succeeded"}}']);
    ctx.assert.equal(res.exitCode, 0, res.stderr);
  });

  await ctx.step('the Job counts the terminated pod and completes', async () => {
    const job = await ctx.waitFor<V1Job>(
      { apiVersion: 'batch/v1', kind: 'Job', name },
      (j) => (j.status?.succeeded ?? 0) >= 1,
      { timeoutSeconds: 90, description: 'status.succeeded to reach 1' },
    );
    ctx.assert.equal(job.status?.succeeded, 1, 'status.succeeded');
    ctx.assert.equal(job.status?.failed ?? 0, 0, 'status.failed');
  });

  if (state.enabled) {
    await ctx.featureStep(`once counted, the controller removes ${FINALIZER} from the pod`, async () => {
      await ctx.eventually(
        async () => {
          const p = (await ctx.core.readNamespacedPod({ name: pod.metadata!.name!, namespace: ctx.namespace })) as V1Pod;
          const left = p.metadata?.finalizers ?? [];
          return left.includes(FINALIZER) ? undefined : left;
        },
        { timeoutSeconds: 60, description: `${FINALIZER} removed from pod ${pod.metadata?.name}` },
      );
    });
  }
}

export default defineScenario({
  id: 'job-tracking-finalizer',
  title: 'Pods of a Job carry the batch.kubernetes.io/job-tracking finalizer',
  kep: 2307,
  tags: ['1.24', 'sig-apps'],
  versions: '>=1.24',
  requires: {
    needs: 'api',
    // Where nodes run the pod it must end by itself (a kubelet owns the status of a pod it runs).
    images: [BUSYBOX],
    feature: { gate: 'JobTrackingWithFinalizers', components: ['kube-apiserver', 'kube-controller-manager'] },
  },
  timeoutSeconds: 180,
  description:
    'Creates a Job; the Job controller (kube-controller-manager) creates its pod, which stays Pending without ' +
    'a kubelet — enough to read its finalizers. Where tracking with finalizers is on, the pod carries ' +
    'batch.kubernetes.io/job-tracking and the Job reports status.uncountedTerminatedPods; where it is off ' +
    '(1.24 default) the pod has no such finalizer. Then the scenario terminates the pod by hand (status phase ' +
    'Succeeded through the status subresource, standing in for a kubelet; on nodes the pod ends by itself): the Job counts it (status.succeeded 1, ' +
    'condition Complete) and, with tracking on, the controller removes the finalizer from the pod once counted.',
  async run(ctx: ScenarioContext) {
    const state = await gate(ctx, 'JobTrackingWithFinalizers');
    ctx.log(describeGate('JobTrackingWithFinalizers', state));
    const name = 'tracked';

    await ctx.step('create a Job', async () => {
      await ctx.create<V1Job>({
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name },
        spec: {
          backoffLimit: 0,
          template: {
            spec: {
              restartPolicy: 'Never',
              automountServiceAccountToken: false,
              containers: [{ name: 'work', image: BUSYBOX, command: ['sleep', String(RUN_SECONDS)] }],
            },
          },
        },
      });
    });

    const pod = await ctx.step('the Job controller creates a pod', () =>
      ctx.eventually(
        async () => {
          const list = await ctx.core.listNamespacedPod({ namespace: ctx.namespace, labelSelector: `job-name=${name}` });
          return (list as V1PodList).items[0];
        },
        { timeoutSeconds: 90, description: `a pod with label job-name=${name}` },
      ),
    );

    await ctx.featureStep(`the pod ${state.enabled ? 'carries' : 'does not carry'} the ${FINALIZER} finalizer`, async () => {
      const finalizers = (pod as V1Pod).metadata?.finalizers ?? [];
      ctx.log(`pod ${pod.metadata?.name} finalizers: ${JSON.stringify(finalizers)}`);
      if (state.enabled) {
        ctx.assert.ok(finalizers.includes(FINALIZER), `pod ${pod.metadata?.name} must carry ${FINALIZER}`);
      } else {
        ctx.assert.ok(!finalizers.includes(FINALIZER), `with the gate off the pod must not carry ${FINALIZER}`);
      }
    });

    if (state.enabled) {
      await ctx.step('the Job status tracks uncounted terminated pods', async () => {
        const job = await ctx.waitFor<V1Job>(
          { apiVersion: 'batch/v1', kind: 'Job', name },
          (j) => j.status?.uncountedTerminatedPods !== undefined,
          { timeoutSeconds: 60, description: 'status.uncountedTerminatedPods to be set' },
        );
        const uncounted = job.status!.uncountedTerminatedPods!;
        ctx.assert.ok(typeof uncounted === 'object' && !Array.isArray(uncounted), `uncountedTerminatedPods is an object, got ${JSON.stringify(uncounted)}`);
        const listed = [...(uncounted.succeeded ?? []), ...(uncounted.failed ?? [])];
        ctx.assert.ok(listed.every((u) => typeof u === 'string' && /^[0-9a-f-]{36}$/.test(u)), `its lists hold pod UIDs: ${JSON.stringify(uncounted)}`);
        // The pod has not terminated, so the controller must not have it among the terminated ones.
        ctx.assert.ok(!listed.includes(pod.metadata!.uid!), `the running pod ${pod.metadata?.name} is not among the uncounted terminated pods`);
      });
    }

    await podEndsAndJobCompletes(ctx, state, name, pod);
  },
});
