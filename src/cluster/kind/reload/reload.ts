// `kindlab reload` on a kind cluster: control-plane components first (their images built from
// the new binaries, loaded into the control-plane nodes, their static pod manifests pointed at
// them), then the kubelet of every node, control plane first, then kube-proxy's DaemonSet. Each is healthy and serves the new
// version before the next one is touched.
import { join } from 'node:path';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { dirtyHash } from '../../../reload/plan.js';
import { tmpdir } from 'node:os';
import { Docker } from '../../../docker/docker.js';
import { LABEL_COMMIT, LABEL_DESCRIBE, LABEL_KUBE_ROOT } from '../../../docker/labels.js';
import { EnvironmentError } from '../../../errors.js';
import { Kind } from '../../../kind/driver.js';
import { componentImage } from '../../../reload/static-pod.js';
import { withComponentImages } from '../../../source/component-image.js';
import type { ReloadComponent } from '../../../reload/components.js';
import type { ClusterRecord } from '../../../state/records.js';
import type { ClusterSource, ReloadContext, ReloadedComponent, ReloadPayload } from '../../provider.js';
import { replaceKubelet } from './kubelet.js';
import { kubeProxyImage, replaceKubeProxy } from './kube-proxy.js';
import { nodeKubectl, nodeRunner } from './node-shell.js';
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
  const docker = new Docker(ctx.runner, ctx.signal);
  const nodes = (await docker.kindNodes()).filter((n) => n.cluster === rec.name);
  const controlPlanes = nodes.filter((n) => n.role === 'control-plane').map((n) => n.name).sort();
  const workers = nodes.filter((n) => n.role !== 'control-plane' && n.role !== 'external-load-balancer').map((n) => n.name).sort();
  if (controlPlanes.length === 0) throw new EnvironmentError(`kind cluster ${rec.name} has no control-plane node container running`, { hint: `kindlab ls; kindlab down ${rec.name}` });
  const run = nodeRunner(ctx);
  const kubectl = nodeKubectl(run, controlPlanes[0]!);
  const done: ReloadedComponent[] = [];
  const landed = (r: ReloadedComponent): void => {
    done.push(r);
    ctx.onReplaced(r);
  };

  // Control-plane components whose nodes do not run the new version yet (the version carries the
  // patch hash, so the same version is the same tree: a reload cut off after a component landed
  // on a node goes on with the next one).
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
  if (swaps.length) {
    // One import into each node's containerd for all the images: each `kind load` pays a save and an import.
    const images = swaps.map((w) => w.image);
    const into = [...new Set(swaps.flatMap((w) => w.nodes))].sort();
    const workDir = mkdtempSync(join(tmpdir(), 'kindlab-reload-'));
    try {
      await ctx.phases.run(`load ${images.join(', ')} into ${into.join(', ')}`, () =>
        withComponentImages(swaps.map((w) => ({ component: w.component, ref: w.image, binary: join(payload.binDir, w.component), workDir })), { docker, runner: ctx.runner, signal: ctx.signal }, () =>
          new Kind(ctx.runner, ctx.signal).loadImages(rec.name, images, undefined, into),
        ),
      );
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
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
  if (payload.components.includes('kube-proxy')) {
    const all = [...controlPlanes, ...workers];
    const image = componentImage(await kubeProxyImage(kubectl), payload.version);
    const workDir = mkdtempSync(join(tmpdir(), 'kindlab-reload-'));
    try {
      await ctx.phases.run(`load ${image} into ${all.join(', ')}`, () =>
        ctx.dryRun
          ? Promise.resolve(ctx.phases.note(`then: ${image} packed from ${payload.binDir}/kube-proxy on ${payload.kubeProxyBase}, kind load docker-image --name ${rec.name} ${image}`))
          : withComponentImages([{ component: 'kube-proxy', ref: image, binary: join(payload.binDir, 'kube-proxy'), workDir, kubeProxyBase: payload.kubeProxyBase }], { docker, runner: ctx.runner, signal: ctx.signal }, () =>
              new Kind(ctx.runner, ctx.signal).loadImages(rec.name, [image], undefined, all),
            ),
      );
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
    ctx.onReplacing('kube-proxy', all.join(', '));
    const seconds = await ctx.phases.run(`kube-proxy: DaemonSet → ${image}, wait until every node runs it`, () => replaceKubeProxy({ image, version: payload.version, nodes: all, run, kubectl }, ctx));
    landed({ component: 'kube-proxy', where: all.join(', '), version: payload.version, seconds });
  }
  return done;
}
