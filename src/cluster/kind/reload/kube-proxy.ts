// kube-proxy of a kind cluster replaced the way kubeadm's add-on runs it: a DaemonSet. The new
// image (loaded into every node beforehand) goes into the DaemonSet's pod template; the rollout
// replaces one node's pod after the other, and every pod must then run a container whose binary
// says the new version. A rollout that does not finish is undone.
import { EnvironmentError } from '../../../errors.js';
import type { ProviderContext } from '../../provider.js';
import { waitUntil, type NodeRun } from './node-shell.js';

const DAEMONSET = ['-n', 'kube-system', 'daemonset/kube-proxy'];
const READY_SECONDS = 180;

type Kubectl = (args: readonly string[]) => Promise<{ stdout: string; exitCode: number }>;

export async function kubeProxyImage(kubectl: Kubectl): Promise<string> {
  const r = await kubectl(['get', ...DAEMONSET, '-o', 'jsonpath={.spec.template.spec.containers[0].image}']);
  if (r.exitCode !== 0 || !r.stdout.trim()) throw new EnvironmentError('cannot read the kube-proxy DaemonSet of the cluster', { hint: 'kubectl -n kube-system get daemonset kube-proxy' });
  return r.stdout.trim();
}

export async function replaceKubeProxy(s: { image: string; version: string; nodes: readonly string[]; run: NodeRun; kubectl: Kubectl }, ctx: Pick<ProviderContext, 'signal' | 'dryRun'>): Promise<number> {
  const set = await s.kubectl(['set', 'image', ...DAEMONSET, `kube-proxy=${s.image}`]);
  if (!ctx.dryRun && set.exitCode !== 0) throw new EnvironmentError(`kubectl set image daemonset/kube-proxy failed: ${set.stdout.trim()}`);
  if (ctx.dryRun) return 0;
  const waited = await waitUntil(READY_SECONDS, () => serves(s), ctx.signal);
  if (waited.ok) return waited.seconds;
  await s.kubectl(['rollout', 'undo', ...DAEMONSET]);
  throw new EnvironmentError(`kube-proxy ${s.version} did not run on every node within ${READY_SECONDS} s (${waited.detail})`, {
    detail: 'the DaemonSet rollout was undone: its previous image comes back node by node',
    hint: "the pods: kubectl -n kube-system get pods -l k8s-app=kube-proxy -o wide; a node's log: docker exec <node> sh -c 'crictl logs $(crictl ps -a --name kube-proxy -q | head -1)'",
  });
}

/** Every node runs a kube-proxy container of the new version, and the DaemonSet says all are updated and available. */
async function serves(s: { version: string; nodes: readonly string[]; run: NodeRun; kubectl: Kubectl }): Promise<{ ok: boolean; detail: string }> {
  const st = await s.kubectl(['get', ...DAEMONSET, '-o', 'jsonpath={.status.desiredNumberScheduled} {.status.updatedNumberScheduled} {.status.numberAvailable}']);
  const [desired = '', updated = '', available = ''] = st.stdout.trim().split(' ');
  if (!desired || desired !== updated || desired !== available) return { ok: false, detail: `DaemonSet: ${updated || 0} of ${desired || '?'} updated, ${available || 0} available` };
  for (const node of s.nodes) {
    const id = (await s.run(node, ['crictl', 'ps', '--name', '^kube-proxy$', '--state', 'running', '-q'], { allowFailure: true })).stdout.split('\n').map((l) => l.trim()).find(Boolean);
    if (!id) return { ok: false, detail: `no running kube-proxy container on ${node}` };
    const v = /Kubernetes (\S+)/.exec((await s.run(node, ['crictl', 'exec', id, 'kube-proxy', '--version'], { allowFailure: true })).stdout)?.[1] ?? '';
    if (v !== s.version) return { ok: false, detail: `kube-proxy on ${node} runs ${v || '?'}` };
  }
  return { ok: true, detail: `kube-proxy ${s.version} on ${s.nodes.join(', ')}` };
}
