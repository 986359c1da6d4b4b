// `kindlab reload` on a kind cluster: control-plane components first (their images built from
// the new binaries, loaded into the control-plane nodes, their static pod manifests pointed at
// them), then the kubelet of every node, control plane first. Each is healthy and serves the new
// version before the next one is touched.
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Docker } from '../../../docker/docker.js';
import { LABEL_COMMIT, LABEL_DESCRIBE, LABEL_KUBE_ROOT } from '../../../docker/labels.js';
import { EnvironmentError } from '../../../errors.js';
import { Kind } from '../../../kind/driver.js';
import { componentImage } from '../../../reload/static-pod.js';
import { withComponentImage } from '../../../source/component-image.js';
import type { ClusterRecord } from '../../../state/records.js';
import type { ClusterSource, ReloadContext, ReloadedComponent, ReloadPayload } from '../../provider.js';
import { replaceKubelet } from './kubelet.js';
import { nodeKubectl, nodeRunner } from './node-shell.js';
import { currentImage, replaceStaticPod } from './static-pod.js';

/** What the cluster's node image was built from (kindlab's labels on it). */
export async function kindClusterSource(rec: ClusterRecord, ctx: Pick<ReloadContext, 'runner' | 'signal'>): Promise<ClusterSource | undefined> {
  if (!rec.image) return undefined;
  const info = await new Docker(ctx.runner, ctx.signal).imageInfo(rec.image);
  const commit = info?.labels[LABEL_COMMIT];
  const describe = info?.labels[LABEL_DESCRIBE];
  if (!commit || !describe) return undefined;
  return { commit, describe, kubeRoot: info?.labels[LABEL_KUBE_ROOT] };
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

  for (const component of payload.components) {
    if (component === 'kubelet') continue;
    const image = componentImage(await currentImage(run, controlPlanes[0]!, component), payload.version);
    // The same version is the same tree (the version carries the patch hash): a reload cut off
    // after this component landed on a node goes on with the next node.
    const pending: string[] = [];
    for (const node of controlPlanes) if ((await currentImage(run, node, component)) !== image) pending.push(node);
    if (pending.length === 0) {
      ctx.phases.note(`${component} already runs ${image}`);
      continue;
    }
    const workDir = mkdtempSync(join(tmpdir(), 'kindlab-reload-'));
    try {
      await ctx.phases.run(`load ${image} into ${pending.join(', ')}`, () =>
        withComponentImage({ component, ref: image, binary: join(payload.binDir, component), workDir }, { docker, runner: ctx.runner, signal: ctx.signal }, () =>
          new Kind(ctx.runner, ctx.signal).loadImages(rec.name, [image], undefined, pending),
        ),
      );
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
    for (const node of pending) {
      ctx.onReplacing(component, node);
      const seconds = await ctx.phases.run(`${component} on ${node}: static pod manifest → ${image}, wait until ready`, () =>
        replaceStaticPod({ node, component, image, version: payload.version, run, kubectl }, ctx),
      );
      landed({ component, where: node, version: payload.version, seconds });
    }
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
  return done;
}
