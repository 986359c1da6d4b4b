// A control-plane component of a kind node replaced the way kubeadm upgrades it: its image
// (imported into the node's containerd beforehand) and a manifest that names it. The kubelet
// restarts a static pod only when its manifest changes; the new manifest is written beside the
// manifests folder and renamed into it, so the kubelet never reads half a file, and the previous
// one is kept for the way back.
import { EnvironmentError } from '../../../errors.js';
import { manifestImage, withImage } from '../../../reload/static-pod.js';
import type { ReloadComponent } from '../../../reload/components.js';
import type { ProviderContext } from '../../provider.js';
import { waitUntil, type NodeRun } from './node-shell.js';

const MANIFESTS = '/etc/kubernetes/manifests';
const STAGING = '/etc/kubernetes/kindlab-reload';
const READY_SECONDS = 180;

export interface StaticPodSwap {
  node: string;
  component: Exclude<ReloadComponent, 'kubelet'>;
  image: string;
  version: string;
  run: NodeRun;
  kubectl: (args: readonly string[]) => Promise<{ stdout: string; exitCode: number }>;
}

export const manifestPath = (c: string): string => `${MANIFESTS}/${c}.yaml`;

export async function currentImage(run: NodeRun, node: string, component: string): Promise<string> {
  return manifestImage((await run(node, ['cat', manifestPath(component)])).stdout);
}

export async function replaceStaticPod(s: StaticPodSwap, ctx: Pick<ProviderContext, 'signal' | 'dryRun'>): Promise<number> {
  const before = (await s.run(s.node, ['cat', manifestPath(s.component)])).stdout;
  // The container that runs now: the new one must be another (a mirror pod can show the new
  // spec a moment before the kubelet has replaced the container).
  const oldContainer = (await readPod(s)).container;
  const previous = `${STAGING}/${s.component}.yaml.previous`;
  await s.run(s.node, ['mkdir', '-p', STAGING]);
  await s.run(s.node, ['cp', '-p', manifestPath(s.component), previous]);
  await s.run(s.node, ['tee', `${STAGING}/${s.component}.yaml`], { input: withImage(before, s.image) });
  await s.run(s.node, ['mv', '-f', `${STAGING}/${s.component}.yaml`, manifestPath(s.component)]);
  if (ctx.dryRun) return 0; // the commands were printed; there is nothing to wait for
  const waited = await waitUntil(READY_SECONDS, () => podServes(s, s.image, oldContainer, s.version), ctx.signal);
  if (waited.ok) return waited.seconds;

  await s.run(s.node, ['cp', '-p', previous, manifestPath(s.component)]);
  const oldImage = manifestImage(before);
  const back = await waitUntil(READY_SECONDS, () => podServes(s, oldImage), ctx.signal);
  throw new EnvironmentError(`${s.component} ${s.version} on ${s.node} did not become ready within ${READY_SECONDS} s (${waited.detail})`, {
    detail: back.ok ? `its previous manifest (${oldImage}) is back and ${s.component} is ready again` : `its previous manifest (${oldImage}) is back, but ${s.component} is not ready yet (${back.detail})`,
    hint: `its log: docker exec ${s.node} sh -c 'crictl logs $(crictl ps -a --name ${s.component} -q | head -1)'`,
  });
}

async function readPod(s: StaticPodSwap): Promise<{ readable: boolean; image: string; ready: boolean; container: string }> {
  const r = await s.kubectl(['-n', 'kube-system', 'get', 'pod', `${s.component}-${s.node}`, '-o', 'jsonpath={.spec.containers[0].image} {.status.containerStatuses[0].ready} {.status.containerStatuses[0].containerID}']);
  const [image = '', ready = '', container = ''] = r.stdout.trim().split(' ');
  return { readable: r.exitCode === 0, image, ready: ready === 'true', container };
}

/** The mirror pod runs `image` in a new container and is ready; for the API server, /version also says `version`. */
async function podServes(s: StaticPodSwap, image: string, oldContainer?: string, version?: string): Promise<{ ok: boolean; detail: string }> {
  const pod = await readPod(s);
  let detail = pod.readable ? `pod ${s.component}-${s.node} runs ${pod.image}, ready=${pod.ready}` : `pod ${s.component}-${s.node} not readable yet`;
  let ok = pod.readable && pod.image === image && pod.ready && pod.container !== '' && pod.container !== oldContainer;
  if (ok && version && s.component === 'kube-apiserver') {
    const v = await s.kubectl(['get', '--raw', '/version']);
    const served = v.exitCode === 0 ? ((JSON.parse(v.stdout) as { gitVersion?: string }).gitVersion ?? '') : '';
    ok = served === version;
    detail += `, /version says ${served || '?'}`;
  }
  return { ok, detail };
}
