// `kindlab reload` on a kind cluster: control-plane components first (their images built from
// the new binaries, loaded into the control-plane nodes, their static pod manifests pointed at
// them), then the kubelet of every node, control plane first, then kube-proxy's DaemonSet. Each is healthy and serves the new
// version before the next one is touched.
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { dirtyHash } from '../../../reload/plan.js';
import { Docker } from '../../../docker/docker.js';
import { LABEL_COMMIT, LABEL_DESCRIBE, LABEL_KUBE_ROOT } from '../../../docker/labels.js';
import { componentImage } from '../../../reload/static-pod.js';
import type { ReloadComponent } from '../../../reload/components.js';
import type { ClusterRecord } from '../../../state/records.js';
import type { ClusterSource, ReloadContext, ReloadedComponent, ReloadPayload } from '../../provider.js';
import { replaceKubelet } from './kubelet.js';
import { kubeProxyImage, replaceKubeProxy } from './kube-proxy.js';
import { clusterNodes, loadPackedImages, nodeKubectl, nodeRunner, type NodeRun } from './node-shell.js';
import { currentImage, replaceStaticPod } from './static-pod.js';

/** What the cluster's node image was built from (kindlab's labels on it). */
export async function kindClusterSource(rec: ClusterRecord, ctx: Pick<ReloadContext, 'runner' | 'signal' | 'store'>): Promise<ClusterSource | undefined> {
  if (!rec.image) return undefined;
  const info = await new Docker(ctx.runner, ctx.signal).imageInfo(rec.image);
  const commit = info?.labels[LABEL_COMMIT];
  const describe = info?.labels[LABEL_DESCRIBE];
  if (!commit || !describe) return undefined;
  const hash = dirtyHash(describe);
  const patchFile = hash ? ctx.store.imagePatchFile('node-image', `${commit}-dirty-${hash}`) : undefined;
  return { commit, describe, kubeRoot: info?.labels[LABEL_KUBE_ROOT], patchFile: patchFile && existsSync(patchFile) ? patchFile : undefined };
}

export async function reloadKindCluster(rec: ClusterRecord, payload: ReloadPayload, ctx: ReloadContext): Promise<ReloadedComponent[]> {
  const { controlPlanes, workers, first } = await clusterNodes(new Docker(ctx.runner, ctx.signal), rec.name);
  const run = nodeRunner(ctx);
  const kubectl = nodeKubectl(run, first);
  const done: ReloadedComponent[] = [];
  const landed = (r: ReloadedComponent): void => {
    done.push(r);
    ctx.onReplaced(r);
  };

  const swaps = await staticPodSwaps(payload, controlPlanes, run, ctx);
  if (swaps.length) {
    const images = swaps.map((w) => w.image);
    const into = [...new Set(swaps.flatMap((w) => w.nodes))].sort();
    await ctx.phases.run(`load ${images.join(', ')} into ${into.join(', ')}`, () =>
      loadPackedImages(swaps.map((w) => ({ component: w.component, ref: w.image, binary: join(payload.binDir, w.component) })), { cluster: rec.name, nodes: into }, ctx),
    );
  }
  // Node by node; on a node, its components at once (each waits for its own container: the
  // kubelet restarts them independently, and one after the other would add their restarts up).
  for (const node of controlPlanes) {
    const here = swaps.filter((w) => w.nodes.includes(node));
    const settled = await Promise.allSettled(
      here.map(({ component, image }) => {
        ctx.onReplacing(component, node);
        return ctx.phases
          .run(`${component} on ${node}: static pod manifest → ${image}, wait until ready`, () => replaceStaticPod({ node, component, image, version: payload.version, run }, ctx))
          .then((seconds) => landed({ component, where: node, version: payload.version, seconds }));
      }),
    );
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
  if (payload.components.includes('kubelet')) {
    for (const node of [...controlPlanes, ...workers]) {
      ctx.onReplacing('kubelet', node);
      const seconds = await ctx.phases.run(`kubelet on ${node}: new binary, restart, wait until Ready`, () =>
        replaceKubelet({ node, binary: join(payload.binDir, 'kubelet'), version: payload.version, run, kubectl }, ctx),
      );
      landed({ component: 'kubelet', where: node, version: payload.version, seconds });
    }
  }
  if (payload.components.includes('kube-proxy')) landed(await reloadKubeProxy(rec, payload, [...controlPlanes, ...workers], { run, kubectl }, ctx));
  return done;
}

/**
 * Control-plane components whose nodes do not run the new version yet (the version carries the
 * patch hash, so the same version is the same tree: a reload cut off after a component landed
 * on a node goes on with the next one).
 */
async function staticPodSwaps(payload: ReloadPayload, controlPlanes: string[], run: NodeRun, ctx: ReloadContext): Promise<Array<{ component: Exclude<ReloadComponent, 'kubelet' | 'kube-proxy'>; image: string; nodes: string[] }>> {
  const swaps: Array<{ component: Exclude<ReloadComponent, 'kubelet' | 'kube-proxy'>; image: string; nodes: string[] }> = [];
  for (const component of payload.components) {
    if (component === 'kubelet' || component === 'kube-proxy') continue;
    const running = new Map<string, string>();
    for (const node of controlPlanes) running.set(node, await currentImage(run, node, component));
    const image = componentImage(running.get(controlPlanes[0]!)!, payload.version);
    const nodes = controlPlanes.filter((node) => running.get(node) !== image);
    if (nodes.length) swaps.push({ component, image, nodes });
    else ctx.phases.note(`${component} already runs ${image}`);
  }
  return swaps;
}

/** kube-proxy: its image packed on the base with iptables/nft, into every node, then its DaemonSet pointed at it. */
async function reloadKubeProxy(rec: ClusterRecord, payload: ReloadPayload, all: string[], shell: { run: NodeRun; kubectl: ReturnType<typeof nodeKubectl> }, ctx: ReloadContext): Promise<ReloadedComponent> {
  const image = componentImage(await kubeProxyImage(shell.kubectl), payload.version);
  await ctx.phases.run(`load ${image} into ${all.join(', ')}`, () =>
    ctx.dryRun
      ? Promise.resolve(ctx.phases.note(`then: ${image} packed from ${payload.binDir}/kube-proxy on ${payload.kubeProxyBase}, kind load docker-image --name ${rec.name} ${image}`))
      : loadPackedImages([{ component: 'kube-proxy', ref: image, binary: join(payload.binDir, 'kube-proxy'), kubeProxyBase: payload.kubeProxyBase }], { cluster: rec.name, nodes: all }, ctx),
  );
  ctx.onReplacing('kube-proxy', all.join(', '));
  const seconds = await ctx.phases.run(`kube-proxy: DaemonSet → ${image}, wait until every node runs it`, () => replaceKubeProxy({ image, version: payload.version, nodes: all, run: shell.run, kubectl: shell.kubectl }, ctx));
  return { component: 'kube-proxy', where: all.join(', '), version: payload.version, seconds };
}
