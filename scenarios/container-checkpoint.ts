// KEP-2008: forensic container checkpointing. The kubelet API POST /checkpoint/<ns>/<pod>/<container>
// asks the runtime (CRI CheckpointContainer) to write a checkpoint archive of a running container to
// /var/lib/kubelet/checkpoints/ on the node, for analysis without the container knowing. Gate
// ContainerCheckpoint: alpha 1.25, beta (on) 1.30. The runtime must support it (CRIU on the node).
import { defineScenario, type ScenarioContext } from 'kindlab';
import type { V1ClusterRole, V1ClusterRoleBinding, V1Pod } from '@kubernetes/client-node';
import { clusterScopedName } from './_support/cluster.js';
import { apiRequest } from './_support/http.js';

const POD = 'to-checkpoint';

/** What upstream's e2e (test/e2e_node/checkpoint_container.go) requires in a checkpoint archive. */
const ARCHIVE_ENTRIES = ['spec.dump', 'config.dump', 'checkpoint/inventory.img'];

/** Entries of `tar -tf` output that a checkpoint archive must hold and this one lacks. */
export function archiveEntriesMissing(tarListing: string): string[] {
  const have = new Set(tarListing.split('\n').map((l) => l.trim().replace(/^\.\//, '')).filter(Boolean));
  return ARCHIVE_ENTRIES.filter((e) => !have.has(e));
}

/**
 * Why the runtime (not the feature) cannot checkpoint, from the kubelet's answer: CRIU missing on
 * the node, or a runtime without the CRI method. Anything else is the feature's answer.
 */
export function runtimeCannotCheckpoint(status: number, body: string): string | undefined {
  if (status === 200) return undefined;
  if (/criu[^\n]*(not found|no such file|executable file not found|not installed|failed to (find|check) criu)/i.test(body)) return 'CRIU is not installed on the node';
  if (/CheckpointContainer[^\n]*(not implemented|unimplemented)|method CheckpointContainer not implemented/i.test(body)) return 'the runtime does not implement the CRI CheckpointContainer method';
  return undefined;
}

/** The archive, read by a pod on the same node that mounts the kubelet's checkpoints folder: nothing else here can look at a node's disk. */
async function archiveHoldsTheContainer(ctx: ScenarioContext, node: string, archive: string): Promise<void> {
  await ctx.featureStep('the archive holds the container\'s spec, config and CRIU image (as upstream checks), and is removed', async () => {
    const reader = `${POD}-reader`;
    await ctx.create<V1Pod>({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: reader },
      spec: {
        automountServiceAccountToken: false,
        terminationGracePeriodSeconds: 1,
        nodeName: node,
        volumes: [{ name: 'checkpoints', hostPath: { path: '/var/lib/kubelet/checkpoints', type: 'Directory' } }],
        containers: [{ name: 'tar', image: 'registry.k8s.io/e2e-test-images/busybox:1.36.1-1', command: ['sleep', '3600'], volumeMounts: [{ name: 'checkpoints', mountPath: '/checkpoints' }] }],
      },
    });
    await ctx.waitFor<V1Pod>({ apiVersion: 'v1', kind: 'Pod', name: reader }, (x) => x.status?.phase === 'Running', { timeoutSeconds: 120, description: `pod ${reader} Running` });
    const inside = `/checkpoints/${archive.split('/').pop()!}`;
    const listed = await ctx.exec(reader, 'tar', ['tar', '-tf', inside]);
    ctx.assert.equal(listed.exitCode, 0, listed.stderr);
    for (const entry of archiveEntriesMissing(listed.stdout)) ctx.assert.ok(false, `the archive lacks ${entry}: ${listed.stdout.slice(0, 400)}`);
    const removed = await ctx.exec(reader, 'tar', ['rm', '-f', inside]);
    ctx.assert.equal(removed.exitCode, 0, removed.stderr);
  });
}

export default defineScenario({
  id: 'container-checkpoint',
  title: 'Checkpoint a running container through the kubelet API',
  kep: 2008,
  tags: ['1.25', 'sig-node'],
  versions: '>=1.25',
  requires: {
    images: ['registry.k8s.io/e2e-test-images/busybox:1.36.1-1'],
    needs: 'node',
    feature: { gate: 'ContainerCheckpoint', components: ['kubelet'] },
  },
  timeoutSeconds: 300,
  description:
    'Runs a pod, then POSTs /api/v1/nodes/<node>/proxy/checkpoint/<ns>/<pod>/<container>; where the kubelet ' +
    'refuses the API server\'s own identity (kubeadm does not grant nodes/checkpoint), the scenario grants it ' +
    'that one permission for its duration and asks again. The kubelet answers ' +
    'with the path of a checkpoint-<pod>_<ns>-<container>-<time>.tar archive; a pod on the same node lists it ' +
    '(spec.dump, config.dump and checkpoint/inventory.img, as upstream\'s node e2e checks) and removes it. Where the ' +
    'runtime cannot checkpoint (CRIU not installed, CRI method unimplemented) the scenario skips with the runtime\'s ' +
    'own message; a 404 from a kubelet kindlab turned the gate on for is a failure.',
  async run(ctx: ScenarioContext) {
    if (!ctx.cluster.hasNodes) ctx.skip('this cluster runs no pods (no kubelet); the feature lives in the kubelet');
    const node = await ctx.step('run a pod', async () => {
      await ctx.create<V1Pod>({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: POD },
        spec: {
          automountServiceAccountToken: false,
          terminationGracePeriodSeconds: 1,
          containers: [{ name: 'app', image: 'registry.k8s.io/e2e-test-images/busybox:1.36.1-1', command: ['sleep', '3600'] }],
        },
      });
      const p = await ctx.waitFor<V1Pod>({ apiVersion: 'v1', kind: 'Pod', name: POD }, (x) => x.status?.phase === 'Running', {
        timeoutSeconds: 150,
        description: `pod ${POD} Running`,
      });
      return p.spec!.nodeName!;
    });

    const archive = await ctx.featureStep('the kubelet checkpoints the container', async () => {
      const checkpoint = () =>
        apiRequest(ctx, {
          method: 'POST',
          path: `/api/v1/nodes/${encodeURIComponent(node)}/proxy/checkpoint/${ctx.namespace}/${POD}/app`,
          timeoutMs: 120_000,
        });
      let res = await checkpoint();
      // The kubelet authorizes the API server's own client for nodes/checkpoint, which kubeadm's
      // system:kubelet-api-admin role does not grant: give that identity exactly this, as an
      // admin enabling the feature would, and ask again.
      const denied = /Forbidden \(user=([^,]+), verb=create, resource=nodes, subresource\(s\)=\[checkpoint\]\)/.exec(res.body);
      if (res.status === 403 && denied) {
        const name = clusterScopedName(ctx, 'checkpoint');
        ctx.log(`granting ${denied[1]} create on nodes/checkpoint (ClusterRole ${name})`);
        await ctx.create<V1ClusterRole>({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules: [{ apiGroups: [''], resources: ['nodes/checkpoint'], verbs: ['create'] }] });
        await ctx.create<V1ClusterRoleBinding>({
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRoleBinding',
          metadata: { name },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
          subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: denied[1]! }],
        });
        res = await ctx.eventually(async () => {
          const r = await checkpoint();
          return r.status === 403 ? undefined : r;
        }, { timeoutSeconds: 30, description: 'the kubelet accepts the checkpoint request once the API server may make it' });
      }
      const runtimeCannot = runtimeCannotCheckpoint(res.status, res.body);
      if (runtimeCannot) ctx.skip(`the container runtime on ${node} cannot checkpoint (${runtimeCannot}): ${res.body.trim().slice(0, 300)}`);
      // kindlab turned ContainerCheckpoint on for this cluster: a missing endpoint is the feature failing.
      if (res.status === 404 && ctx.cluster.reconfigurable === false) ctx.skip(`kubelet on ${node} has no /checkpoint endpoint (this existing cluster's ContainerCheckpoint is off?): ${res.body.slice(0, 200)}`);
      ctx.assert.equal(res.status, 200, `HTTP ${res.status}: ${res.body.slice(0, 300)}`);
      const items = (JSON.parse(res.body) as { items?: string[] }).items ?? [];
      ctx.log(`checkpoint: ${items.join(', ')}`);
      ctx.assert.ok(items.length === 1, 'one checkpoint archive');
      ctx.assert.includes(items[0]!, new RegExp(`/var/lib/kubelet/checkpoints/checkpoint-${POD}_${ctx.namespace}-app-.*\\.tar$`));
      return items[0]!;
    });

    await archiveHoldsTheContainer(ctx, node, archive);
  },
});
