// etcd 3.5.0–3.5.2 can lose committed writes on a member that is killed under load and restarted
// (etcd-io/etcd#13766, fixed in 3.5.3, April 2022); the etcd maintainers advised against running
// them in production, and kubeadm moved to 3.5.3 for 1.24. This scenario finds the etcd version of
// the cluster and fails, with that explanation, when it is one of the affected releases.
import { defineScenario, type ScenarioContext } from 'kindlab';
import type { V1Pod, V1PodList } from '@kubernetes/client-node';

export type EtcdVerdict = { affected: boolean; reason: string };

/** Pure: what a given etcd version means for the 3.5.0–3.5.2 inconsistency bug. */
export function judgeEtcd(version: string, corruptCheck: boolean): EtcdVerdict {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!m) return { affected: false, reason: `cannot parse etcd version ${JSON.stringify(version)}` };
  const [maj, min, pat] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (maj === 3 && min === 5 && pat <= 2) {
    return {
      affected: true,
      reason:
        `etcd ${version} is affected by the data inconsistency bug etcd-io/etcd#13766: a member killed under load can ` +
        'come back without writes it had committed. Upgrade etcd to ≥ 3.5.3' +
        (corruptCheck
          ? ' (--experimental-initial-corrupt-check=true is set, which detects the corruption at start-up but does not prevent it).'
          : ', or at least run it with --experimental-initial-corrupt-check=true.'),
    };
  }
  if (maj === 3 && min === 5 && pat <= 5) {
    return { affected: false, reason: `etcd ${version}: not affected by #13766; note the separate defrag inconsistency bug fixed in 3.5.6` };
  }
  return { affected: false, reason: `etcd ${version} is not one of the affected releases (3.5.0–3.5.2)` };
}

export default defineScenario({
  id: 'etcd-version',
  title: 'The cluster does not run etcd 3.5.0–3.5.2 (data inconsistency bug)',
  tags: ['1.24', 'etcd', 'sig-api-machinery'],
  versions: '>=1.22',
  requires: { needs: 'api' },
  description:
    'Looks for the etcd static pods a kubeadm/kind control plane runs in kube-system (label component=etcd) and ' +
    'reads the etcd version from their image tag (and, where pods run, from `etcd --version` in the container). ' +
    'Fails with the explanation and the fix when the version is 3.5.0, 3.5.1 or 3.5.2. kube-apiserver does not ' +
    'report its etcd version through the Kubernetes API (checked against v1.37.2: no etcd version metric), so on ' +
    'a cluster without etcd pods (the local provider runs etcd as a host process) the scenario skips and says so.',
  async run(ctx: ScenarioContext) {
    const pods = await ctx.step('find the etcd pods in kube-system', async () => {
      const list = (await ctx.core.listNamespacedPod({ namespace: 'kube-system', labelSelector: 'component=etcd' })) as V1PodList;
      if (list.items.length === 0) {
        ctx.skip(
          'no etcd pod in kube-system (component=etcd) and kube-apiserver exposes no etcd version through the API; ' +
            'the etcd version of this cluster cannot be determined from inside it',
        );
      }
      return list.items;
    });

    for (const pod of pods as V1Pod[]) {
      await ctx.step(`etcd in ${pod.metadata?.name}`, async () => {
        const container = pod.spec?.containers.find((c) => c.name === 'etcd') ?? pod.spec?.containers[0];
        const image = container?.image ?? '';
        let version = /:v?(\d+\.\d+\.\d+)/.exec(image)?.[1] ?? '';
        if (ctx.cluster.hasNodes && pod.status?.phase === 'Running') {
          // The binary's own word over the image tag. The pod lives in kube-system, not in the
          // scenario's namespace; a failing exec is a failure to check, not a pass.
          const res = await ctx.kubectl(['exec', '-n', 'kube-system', pod.metadata!.name!, '-c', container?.name ?? 'etcd', '--', 'etcd', '--version']);
          ctx.assert.equal(res.exitCode, 0, `etcd --version in kube-system/${pod.metadata?.name} failed: ${res.stderr.trim().slice(0, 300)}`);
          const reported = /etcd Version: (\S+)/.exec(res.stdout)?.[1];
          ctx.assert.ok(reported, `etcd --version printed no version: ${res.stdout.slice(0, 200)}`);
          if (reported !== version) ctx.log(`the image tag says ${version || '(none)'}, the binary ${reported}`);
          version = reported!;
        }
        if (!version) ctx.skip(`cannot tell the etcd version of ${pod.metadata?.name} (image ${image})`);
        const args = [...(container?.command ?? []), ...(container?.args ?? [])];
        const verdict = judgeEtcd(version, args.some((a) => a === '--experimental-initial-corrupt-check=true'));
        ctx.log(`${pod.metadata?.name}: image ${image}, etcd ${version}: ${verdict.reason}`);
        ctx.assert.ok(!verdict.affected, verdict.reason);
      });
    }
  },
});
