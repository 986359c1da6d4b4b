// KEP-961: StatefulSet rolling updates with maxUnavailable. A StatefulSet used to replace one pod at
// a time; spec.updateStrategy.rollingUpdate.maxUnavailable lets it take down several at once.
// Gate MaxUnavailableStatefulSet: alpha (off) 1.24–1.34, beta on in 1.35.0–1.35.3, switched off
// again in 1.35.4 and 1.36 (k/k#137409), on again in 1.37. Where it is off the field is dropped.
import { defineScenario, type ScenarioContext } from 'kindlab';
import type { V1Pod, V1PodList, V1StatefulSet } from '@kubernetes/client-node';
import { describeGate, gate, minor, sleep } from './_support/cluster.js';

const MIN_READY_SECONDS = 3;

/**
 * How long a Ready pod still counts as unavailable to the rolling update at this minor. Before 1.34
 * the controller's maxUnavailable budget counted a pod as soon as it was Ready, ignoring
 * minReadySeconds (k/k#112307, fixed by k/k#130909 in 1.34): on a 1.30 kubelet it takes the next two
 * pods down while the last two are Ready but not yet available, so measured with minReadySeconds the
 * rollout shows 4 down. The scenario checks the budget the controller of that release keeps.
 */
export function unavailableAfterReadyMs(clusterMinor: number): number {
  return clusterMinor >= 34 ? MIN_READY_SECONDS * 1000 : 0;
}

function sts(name: string, maxUnavailable: number | string, replicas = 4): V1StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name },
    spec: {
      replicas,
      serviceName: name,
      podManagementPolicy: 'Parallel',
      minReadySeconds: MIN_READY_SECONDS,
      selector: { matchLabels: { app: name } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: maxUnavailable as never } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          automountServiceAccountToken: false,
          terminationGracePeriodSeconds: 1,
          containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10' }],
        },
      },
    },
  };
}

const ref = (name: string) => ({ apiVersion: 'apps/v1', kind: 'StatefulSet', name });

/**
 * Pods available as the StatefulSet controller counts them: Ready for at least minReadySeconds and
 * not being deleted. A pod that just turned Ready is still unavailable.
 */
export function availablePods(pods: V1Pod[], now: number, minReadyMs: number): number {
  return pods.filter((p) => {
    const r = (p.status?.conditions ?? []).find((c) => c.type === 'Ready' && c.status === 'True');
    return !p.metadata?.deletionTimestamp && r !== undefined && now - new Date(r.lastTransitionTime ?? now).getTime() >= minReadyMs;
  }).length;
}

/**
 * Where a rollout stands after a template change that made `generation`. Only once the controller has
 * observed that generation and moved to a new revision does "all updated" describe the new template;
 * before that it describes the old one and would end the watch before any pod was replaced.
 */
export function rolloutProgress(
  status: V1StatefulSet['status'],
  change: { generation: number; previousRevision?: string; replicas: number },
  seenNewRevision: boolean,
): { seenNewRevision: boolean; done: boolean } {
  const observed = (status?.observedGeneration ?? 0) >= change.generation;
  const seen = seenNewRevision || (observed && status?.updateRevision !== change.previousRevision);
  const complete = status?.updatedReplicas === change.replicas && status?.availableReplicas === change.replicas && status?.currentRevision === status?.updateRevision;
  return { seenNewRevision: seen, done: observed && seen && complete };
}

export default defineScenario({
  id: 'statefulset-max-unavailable',
  title: 'StatefulSet rollingUpdate.maxUnavailable',
  kep: 961,
  tags: ['1.24', 'sig-apps'],
  versions: '>=1.24',
  requires: {
    images: ['registry.k8s.io/pause:3.10'],
    needs: 'api',
    nodePart: 'a rolling update replaces several pods at once, up to maxUnavailable',
    feature: { gate: 'MaxUnavailableStatefulSet', components: ['kube-apiserver', 'kube-controller-manager'] },
  },
  timeoutSeconds: 300,
  description:
    'API part: where MaxUnavailableStatefulSet is on, maxUnavailable 2 and "50%" are kept, 0 and "150%" are ' +
    'rejected with the validation message; where it is off (default on 1.24–1.34, 1.35.4+ and 1.36) the field is ' +
    'dropped on create. Node part (only where pods run): a rolling update of 4 replicas with maxUnavailable 2 ' +
    'takes down 2 pods at once, never more.',
  async run(ctx: ScenarioContext) {
    const state = await gate(ctx, 'MaxUnavailableStatefulSet');
    ctx.log(describeGate('MaxUnavailableStatefulSet', state));

    if (!state.enabled) {
      await ctx.step('gate off: maxUnavailable is dropped on create', async () => {
        await ctx.create(sts('mu-dropped', 2));
        const s = await ctx.get<V1StatefulSet>(ref('mu-dropped'));
        ctx.assert.equal(s.spec?.updateStrategy?.rollingUpdate?.maxUnavailable, undefined, 'maxUnavailable dropped');
      });
      return;
    }

    await ctx.featureStep('maxUnavailable 2 and "50%" are kept', async () => {
      await ctx.create(sts('mu-int', 2));
      await ctx.create(sts('mu-pct', '50%'));
      ctx.assert.equal((await ctx.get<V1StatefulSet>(ref('mu-int'))).spec?.updateStrategy?.rollingUpdate?.maxUnavailable, 2);
      ctx.assert.equal((await ctx.get<V1StatefulSet>(ref('mu-pct'))).spec?.updateStrategy?.rollingUpdate?.maxUnavailable, '50%');
    });

    await ctx.featureStep('0 and "150%" are rejected', async () => {
      // 1.37 prints `Invalid value: 0`, 1.26 `Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}`.
      await ctx.assert.rejects(ctx.create(sts('mu-zero', 0)), /rollingUpdate\.maxUnavailable: Invalid value: .*: cannot be 0/);
      await ctx.assert.rejects(ctx.create(sts('mu-too-much', '150%')), /rollingUpdate\.maxUnavailable: Invalid value: .*150%.*must not be greater than 100%/);
    });

    if (!ctx.cluster.hasNodes) {
      ctx.partial('node part: this cluster does not run pods (no kubelet), so no rollout can be observed');
      return;
    }

    await ctx.featureStep('node: a rollout with maxUnavailable 2 replaces 2 pods at a time', async () => {
      await ctx.create(sts('mu-roll', 2));
      await ctx.waitFor<V1StatefulSet>(ref('mu-roll'), (s) => s.status?.availableReplicas === 4, {
        timeoutSeconds: 150,
        description: '4 available replicas',
      });
      const before = await ctx.get<V1StatefulSet>(ref('mu-roll'));
      const patched = await ctx.kubectl(['patch', 'statefulset', 'mu-roll', '-n', ctx.namespace, '--type=merge', '-p',
        JSON.stringify({ spec: { template: { metadata: { annotations: { 'kindlab.io/rollout': String(Date.now()) } } } } })]);
      ctx.assert.equal(patched.exitCode, 0, `kubectl patch failed: ${patched.stderr}`);
      const generation = (before.metadata?.generation ?? 0) + 1;
      let maxDown = 0;
      let seenNewRevision = false;
      const readyForMs = unavailableAfterReadyMs(minor(ctx));
      ctx.log(`a pod counts as available once Ready for ${readyForMs / 1000} s (the controller's rule at 1.${minor(ctx)})`);
      const deadline = Date.now() + 150_000;
      for (;;) {
        const pods = (await ctx.core.listNamespacedPod({ namespace: ctx.namespace, labelSelector: 'app=mu-roll' })) as V1PodList;
        // Unavailable as the controller counts it: not Ready (for minReadySeconds from 1.34) yet, or going away.
        if (seenNewRevision) maxDown = Math.max(maxDown, 4 - availablePods(pods.items, Date.now(), readyForMs));
        const s = await ctx.get<V1StatefulSet>(ref('mu-roll'));
        const progress = rolloutProgress(s.status, { generation, previousRevision: before.status?.currentRevision, replicas: 4 }, seenNewRevision);
        seenNewRevision = progress.seenNewRevision;
        if (progress.done) break;
        if (Date.now() > deadline) throw new Error(`rollout did not finish: ${JSON.stringify(s.status)}`);
        await sleep(100, ctx.signal);
      }
      ctx.log(`at most ${maxDown} of 4 pods were down at once`);
      ctx.assert.ok(maxDown <= 2, `never more than maxUnavailable=2 pods unavailable, saw ${maxDown}`);
      ctx.assert.ok(maxDown === 2, `2 pods were replaced in parallel (with the default of 1 this would be 1), saw ${maxDown}`);
    });
  },
});
