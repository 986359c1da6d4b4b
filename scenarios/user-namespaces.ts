// KEP-127: user namespaces for pods. With spec.hostUsers: false the pod's root (UID 0) is mapped to an
// unprivileged range of host UIDs, so a container breakout lands as nobody on the node. Alpha for
// stateless pods 1.25–1.27 (gate UserNamespacesStatelessPodsSupport), alpha 1.28–1.29 as
// UserNamespacesSupport, beta (off) 1.30–1.32, on from 1.33, GA 1.36. Needs the node to support idmap
// mounts: Linux ≥ 6.3 in practice, containerd ≥ 2.0 or CRI-O ≥ 1.25 (runc ≥ 1.2 / crun ≥ 1.9) —
// checked first, skipped with the reason.
import { defineScenario, type ScenarioContext } from 'kindlab';
import type { V1Node, V1NodeList, V1Pod } from '@kubernetes/client-node';
import { describeGate, gate, minor } from './_support/cluster.js';

const IMAGE = 'registry.k8s.io/e2e-test-images/busybox:1.36.1-1';

function pod(name: string, hostUsers: boolean, extra: Partial<NonNullable<V1Pod['spec']>> = {}): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      hostUsers,
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'c', image: IMAGE, command: ['sleep', '3600'] }],
      ...extra,
    },
  };
}

function versionOf(s: string): [number, number] {
  const m = /(\d+)\.(\d+)/.exec(s);
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
}
/**
 * kube-apiserver's refusal of hostUsers: false with hostNetwork. Older releases name the Go field
 * (`pod.Spec.HostUsers`), newer ones the JSON field (`hostUsers`); both must match.
 */
export const HOST_NETWORK_REJECTION = /hostNetwork: Forbidden: when `(hostUsers|pod\.Spec\.HostUsers)` is false/;
/** kube-apiserver 1.25–1.27's refusal of a volume that is not stateless (hostPath, PVC, ...) with hostUsers: false. */
export const STATEFUL_VOLUME_REJECTION = /volumes\[0\]: Forbidden: volume type not supported when `pod\.Spec\.HostUsers` is false/;
/** The first minor where hostUsers: false also takes stateful volumes (the gate's rename to UserNamespacesSupport). */
export const STATEFUL_FROM_MINOR = 28;

const atLeastV = (v: [number, number], want: [number, number]) => v[0] > want[0] || (v[0] === want[0] && v[1] >= want[1]);

/** Why this node cannot run user-namespaced pods, or undefined if it looks able to. */
export function hostProblem(node: V1Node): string | undefined {
  const info = node.status?.nodeInfo;
  const name = node.metadata?.name;
  if (!info) return `node ${name} reports no nodeInfo`;
  if (info.operatingSystem !== 'linux') return `node ${name} runs ${info.operatingSystem}, user namespaces need Linux`;
  if (!atLeastV(versionOf(info.kernelVersion), [6, 3]))
    return `node ${name} runs Linux ${info.kernelVersion}; idmap mounts for pod volumes (tmpfs) need Linux ≥ 6.3`;
  const [runtime, version = ''] = info.containerRuntimeVersion.split('://');
  if (runtime === 'containerd' && !atLeastV(versionOf(version), [2, 0]))
    return `node ${name} runs containerd ${version}; user namespaces need containerd ≥ 2.0`;
  if (runtime === 'cri-o' && !atLeastV(versionOf(version), [1, 25]))
    return `node ${name} runs CRI-O ${version}; user namespaces need CRI-O ≥ 1.25`;
  if (runtime !== 'containerd' && runtime !== 'cri-o')
    return `node ${name} runs ${info.containerRuntimeVersion}; only containerd ≥ 2.0 and CRI-O ≥ 1.25 are known to support user namespaces`;
  return undefined;
}

export default defineScenario({
  id: 'user-namespaces',
  title: 'hostUsers: false maps the pod root to an unprivileged host UID range',
  kep: 127,
  tags: ['1.30', 'sig-node', 'security'],
  // UserNamespacesSupport: alpha 1.28–1.29, beta off 1.30–1.32, on 1.33, GA 1.36. At 1.25–1.27 the
  // same feature, stateless pods only, was gated by UserNamespacesStatelessPodsSupport: the gate
  // table knows the rename, and the planner sets (or a counter-proof clears) the name of the release.
  versions: '>=1.25',
  requires: {
    images: [IMAGE],
    needs: 'node',
    feature: { gate: 'UserNamespacesSupport', components: ['kube-apiserver', 'kubelet'] },
    host: { kernel: '6.3', runtime: { containerd: '2.0', 'cri-o': '1.25' }, why: 'idmap mounts for pod volumes (tmpfs)' },
  },
  timeoutSeconds: 300,
  description:
    'Checks the nodes first (Linux ≥ 6.3, containerd ≥ 2.0 or CRI-O ≥ 1.25) and skips with the reason otherwise. ' +
    'hostUsers: false together with hostNetwork is rejected by the API server; at 1.25–1.27 (stateless pods only) ' +
    'so is hostUsers: false with a hostPath volume, while the same pod with hostUsers: true is accepted. A pod with hostUsers: false then ' +
    'reads /proc/self/uid_map: "0 <host UID ≥ 65536> 65536", while a pod with hostUsers: true sees the identity ' +
    'mapping "0 0 4294967295".',
  async run(ctx: ScenarioContext) {
    const state = await gate(ctx, 'UserNamespacesSupport');
    ctx.log(describeGate('UserNamespacesSupport', state));

    await ctx.step('the nodes can run user-namespaced pods', async () => {
      const nodes = ((await ctx.core.listNode()) as V1NodeList).items;
      if (nodes.length === 0) ctx.skip('no nodes');
      const problems = nodes.map(hostProblem).filter((p): p is string => p !== undefined);
      if (problems.length === nodes.length) ctx.skip(problems.join('; '));
      for (const p of problems) ctx.log(`warning: ${p}`);
    });

    if (!state.enabled) {
      await ctx.step('gate off: hostUsers is dropped on create', async () => {
        await ctx.create(pod('userns-off', false));
        const p = await ctx.get<V1Pod>({ apiVersion: 'v1', kind: 'Pod', name: 'userns-off' });
        ctx.assert.ok(p.spec?.hostUsers !== false, 'hostUsers: false must not be kept with the gate off');
      });
      return;
    }

    await ctx.featureStep('hostUsers: false with hostNetwork is rejected', async () => {
      await ctx.assert.rejects(ctx.create(pod('userns-hostnet', false, { hostNetwork: true })), HOST_NETWORK_REJECTION);
    });

    if (minor(ctx) < STATEFUL_FROM_MINOR) {
      // The first alpha's limit, and a behaviour only the feature has: with the gate off hostUsers is
      // dropped and the same pod is accepted.
      const withHostPath = (name: string, hostUsers: boolean) =>
        pod(name, hostUsers, { volumes: [{ name: 'host', hostPath: { path: '/tmp' } }] });
      await ctx.featureStep('stateless pods only: hostUsers: false with a hostPath volume is rejected', async () => {
        await ctx.assert.rejects(ctx.create(withHostPath('userns-hostpath', false)), STATEFUL_VOLUME_REJECTION);
      });
      await ctx.step('the same pod with hostUsers: true is accepted', async () => {
        await ctx.create(withHostPath('hostusers-hostpath', true));
      });
    }

    const uidMap = async (name: string): Promise<string> => {
      await ctx.waitFor<V1Pod>({ apiVersion: 'v1', kind: 'Pod', name }, (p) => p.status?.phase === 'Running', {
        timeoutSeconds: 150,
        description: `pod ${name} Running`,
      });
      const res = await ctx.exec(name, 'c', ['cat', '/proc/self/uid_map']);
      ctx.assert.equal(res.exitCode, 0, `exec in ${name}: ${res.stderr}`);
      return res.stdout.trim();
    };

    await ctx.featureStep('hostUsers: false: UID 0 in the pod is an unprivileged host UID', async () => {
      await ctx.create(pod('userns', false));
      const map = await uidMap('userns');
      ctx.log(`userns uid_map: ${map}`);
      const [inside, outside, length] = map.split(/\s+/).map(Number);
      ctx.assert.equal(inside, 0, 'the map starts at UID 0 inside the pod');
      ctx.assert.ok((outside ?? 0) >= 65536, `UID 0 maps to host UID ${outside}, must be ≥ 65536`);
      ctx.assert.equal(length, 65536, 'the pod gets 65536 IDs');
    });

    await ctx.step('hostUsers: true: the identity mapping', async () => {
      await ctx.create(pod('hostusers', true));
      const map = await uidMap('hostusers');
      ctx.assert.equal(map.split(/\s+/).join(' '), '0 0 4294967295', 'identity uid_map');
    });
  },
});
