// KEP-753: native sidecar containers. An init container with restartPolicy: Always starts before the
// app containers, keeps running beside them, may have probes, and does not keep a Job's pod from
// completing. Gate SidecarContainers: alpha 1.28, beta (on) 1.29, GA 1.33.
import { defineScenario, type ScenarioContext } from 'kindlab';
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { apiServerGates, describeGate, gate, minor } from './_support/cluster.js';

const PAUSE = 'registry.k8s.io/pause:3.10';
const BUSYBOX = 'registry.k8s.io/e2e-test-images/busybox:1.36.1-1';

function pod(name: string, initContainers: V1Container[], containers?: V1Container[], restartPolicy = 'Always'): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      restartPolicy,
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 1,
      initContainers,
      containers: containers ?? [{ name: 'app', image: PAUSE }],
    },
  };
}

export default defineScenario({
  id: 'sidecar-containers',
  title: 'Native sidecars: initContainers[].restartPolicy: Always',
  kep: 753,
  tags: ['1.28', 'sig-node'],
  versions: '>=1.28',
  requires: {
    images: [PAUSE, BUSYBOX],
    needs: 'api',
    nodePart: 'the kubelet starts the sidecar before the main container and keeps it running',
    feature: { gate: 'SidecarContainers', components: ['kube-apiserver', 'kubelet'] },
  },
  timeoutSeconds: 240,
  description:
    'API part: an init container with restartPolicy: Always (and a readinessProbe) is accepted and kept; a ' +
    'readinessProbe on a regular init container is rejected ("may not be set for init containers without ' +
    'restartPolicy=Always"). A policy other than Always on an init container is judged by KEP-5307\'s ' +
    'ContainerRestartRules: validated against Always/Never/OnFailure where it is on, dropped where it is off, ' +
    'only Always allowed before it existed. Where SidecarContainers is ' +
    'off (1.28 default) the field is dropped. Node part (only where pods run): a restartPolicy: Never pod whose ' +
    'app container exits succeeds although its sidecar never exits by itself.',
  async run(ctx: ScenarioContext) {
    const state = await gate(ctx, 'SidecarContainers');
    ctx.log(describeGate('SidecarContainers', state));

    if (!state.enabled) {
      await ctx.step('gate off: initContainers[].restartPolicy is dropped', async () => {
        await ctx.create(pod('sidecar-off', [{ name: 'proxy', image: PAUSE, restartPolicy: 'Always' }]));
        const p = await ctx.get<V1Pod>({ apiVersion: 'v1', kind: 'Pod', name: 'sidecar-off' });
        ctx.assert.equal(p.spec?.initContainers?.[0]?.restartPolicy, undefined, 'restartPolicy dropped with the gate off');
      });
      return;
    }

    await ctx.featureStep('a sidecar (restartPolicy: Always, with a readiness probe) is accepted and kept', async () => {
      await ctx.create(
        pod('with-sidecar', [{ name: 'proxy', image: PAUSE, restartPolicy: 'Always', readinessProbe: { tcpSocket: { port: 15000 } } }]),
      );
      const p = await ctx.get<V1Pod>({ apiVersion: 'v1', kind: 'Pod', name: 'with-sidecar' });
      ctx.assert.equal(p.spec?.initContainers?.[0]?.restartPolicy, 'Always', 'initContainers[0].restartPolicy');
    });

    await ctx.featureStep('probes are only allowed on sidecars, not on regular init containers', async () => {
      await ctx.assert.rejects(
        ctx.create(pod('probe-on-init', [{ name: 'setup', image: PAUSE, readinessProbe: { tcpSocket: { port: 80 } } }])),
        /initContainers\[0\]\.readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always/,
      );
    });

    // KEP-5307 (ContainerRestartRules, 1.34+) gives init and app containers their own restartPolicy.
    // Its gate decides what happens to a non-"Always" policy on an init container: validated against
    // Always/Never/OnFailure when on, silently dropped when off (seen on v1.37.2), and before the gate
    // existed only "Always" was allowed.
    const known = (await apiServerGates(ctx)).get('ContainerRestartRules');
    const mode = known === true ? 'per-container rules' : known === false ? 'rules off: dropped' : minor(ctx) < 34 ? 'sidecars only' : 'per-container rules';
    ctx.log(`ContainerRestartRules: ${known === undefined ? 'not reported by kube-apiserver' : known ? 'on' : 'off'} → ${mode}`);

    await ctx.step(`restartPolicy other than Always on an init container (${mode})`, async () => {
      const create = (name: string, restartPolicy: string) => ctx.create(pod(name, [{ name: 'setup', image: PAUSE, restartPolicy }]));
      if (mode === 'per-container rules') {
        await ctx.assert.rejects(
          create('bad-policy', 'Sometimes'),
          /initContainers\[0\]\.restartPolicy: Unsupported value: .*Sometimes.*supported values: .*Always.*Never.*OnFailure/,
        );
        await create('onfailure-init', 'OnFailure');
      } else if (mode === 'sidecars only') {
        for (const [name, rp] of [['bad-policy', 'Sometimes'], ['onfailure-init', 'OnFailure']] as const) {
          await ctx.assert.rejects(create(name, rp), /initContainers\[0\]\.restartPolicy: Unsupported value: .*supported values: .*Always/);
        }
      } else {
        for (const [name, rp] of [['bad-policy', 'Sometimes'], ['onfailure-init', 'OnFailure']] as const) {
          await create(name, rp);
          const p = await ctx.get<V1Pod>({ apiVersion: 'v1', kind: 'Pod', name });
          ctx.assert.equal(p.spec?.initContainers?.[0]?.restartPolicy, undefined, `restartPolicy ${rp} dropped`);
        }
      }
    });

    if (!ctx.cluster.hasNodes) {
      ctx.partial('node part: this cluster does not run pods (no kubelet)');
      return;
    }

    await ctx.featureStep('node: a run-to-completion pod succeeds although its sidecar runs forever', async () => {
      await ctx.create(
        pod(
          'job-like',
          [{ name: 'sidecar', image: BUSYBOX, restartPolicy: 'Always', command: ['sleep', '3600'] }],
          [{ name: 'main', image: BUSYBOX, command: ['sh', '-c', 'sleep 3'] }],
          'Never',
        ),
      );
      const p = await ctx.waitFor<V1Pod>({ apiVersion: 'v1', kind: 'Pod', name: 'job-like' }, (x) => x.status?.phase === 'Succeeded' || x.status?.phase === 'Failed', {
        timeoutSeconds: 180,
        description: 'pod job-like to finish',
      });
      ctx.assert.equal(p.status?.phase, 'Succeeded', 'the pod succeeds once main exits; the sidecar is stopped by the kubelet');
    });
  },
});
