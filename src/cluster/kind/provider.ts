// The kind provider: runs the create steps in order over one context; if any step fails or the
// user interrupts, the half-created cluster is deleted and its state removed.
import { kindDescriptor } from './descriptor.js';
import { join } from 'node:path';
import { ConflictError } from '../../errors.js';
import { Docker } from '../../docker/docker.js';
import { Kind } from '../../kind/driver.js';
import { sleep } from '../../util/abort.js';
import { RELOADABLE, type ReloadComponent } from '../../reload/components.js';
import type { ClusterRecord } from '../../state/records.js';
import { requestedImage, type ClusterProvider, type ClusterSource, type ClusterUpgrader, type ComponentReloader, type CreateRequest, type ImageLoader, type KubeconfigExporter, type LiveCluster, type LogCollector, type NodeImageLister, type ProviderContext, type ReloadContext, type ReloadedComponent, type ReloadPayload, type UpgradeContext, type UpgradePayload, type UpgradeStepDone } from '../provider.js';
import { upgradeKindCluster } from './upgrade/upgrade.js';
import { kindClusterSource, reloadKindCluster } from './reload/reload.js';
import type { KindStepContext } from './steps/context.js';
import { createClusterStep } from './steps/create-cluster.js';
import { preflightStep } from './steps/preflight.js';
import { renderConfigStep } from './steps/render-config.js';
import { loadImagesStep } from './steps/load-images.js';

type Step = { name: string; run: (sc: KindStepContext) => Promise<void> | void };

const STEPS: Step[] = [
  { name: 'preflight', run: preflightStep },
  { name: 'render kind config', run: renderConfigStep },
  { name: 'kind create cluster', run: createClusterStep },
  { name: 'load scenario images', run: loadImagesStep },
];

export class KindProvider implements ClusterProvider, LogCollector, NodeImageLister, ImageLoader, KubeconfigExporter, ComponentReloader, ClusterUpgrader {
  readonly name = kindDescriptor.name;

  async create(req: CreateRequest, ctx: ProviderContext): Promise<ClusterRecord> {
    const clusterDir = ctx.store.clusterDir(req.name);
    const sc: KindStepContext = {
      req,
      ctx,
      clusterDir,
      configFile: join(clusterDir, 'kind-config.yaml'),
      kubeconfig: join(clusterDir, 'kubeconfig'),
      // Outside the cluster folder: that folder is removed when creation fails, the log must stay.
      logFile: join(ctx.store.paths.logs, `create-${req.name}-${Date.now()}.log`),
    };
    const rec: ClusterRecord = {
      name: req.name,
      provider: this.name,
      state: 'creating',
      createdAt: new Date().toISOString(),
      ownerPid: process.pid,
      image: requestedImage(req),
      kubernetesVersion: req.kubernetesVersion,
      commit: req.commit,
      kubeconfig: sc.kubeconfig,
      configFile: sc.configFile,
      profile: req.profile,
    };
    if (!ctx.dryRun) await ctx.store.reserveCluster(rec);
    let createStarted = false;
    try {
      for (const step of STEPS) {
        if (step.run === createClusterStep) createStarted = true;
        await step.run(sc);
      }
    } catch (e) {
      if (!ctx.dryRun) {
        ctx.log.info(`cleaning up: deleting half-created cluster ${req.name}`);
        if (createStarted) await deleteHalfCreated(req.name, sc.kubeconfig, join(clusterDir, 'delete.log'), ctx);
        ctx.store.removeCluster(req.name);
      }
      throw e;
    }
    if (ctx.dryRun) return rec;
    const ready: ClusterRecord = { ...rec, state: 'ready', ownerPid: undefined, loadedImages: sc.loadedImages };
    ctx.store.saveCluster(ready);
    return ready;
  }

  async delete(rec: ClusterRecord, ctx: ProviderContext): Promise<void> {
    const owned = await this.ownership(rec.name, ctx);
    if (owned === 'foreign') {
      throw new ConflictError(`kind cluster "${rec.name}" exists but its nodes do not carry kindlab's mark; it was recreated outside kindlab`, {
        hint: `kindlab will not delete it; use kind delete cluster --name ${rec.name} yourself, then kindlab ls --prune`,
      });
    }
    if (owned === 'ours') {
      await new Kind(ctx.runner, ctx.signal).deleteCluster(rec.name, rec.kubeconfig);
    }
    if (!ctx.dryRun) ctx.store.removeCluster(rec.name);
  }

  async listLive(ctx: ProviderContext): Promise<LiveCluster[]> {
    const nodes = await new Docker(ctx.runner, ctx.signal).kindNodes();
    const byCluster = new Map<string, boolean>();
    for (const n of nodes) {
      const ours = n.mountSources.includes(join(ctx.store.clusterDir(n.cluster), 'files'));
      byCluster.set(n.cluster, (byCluster.get(n.cluster) ?? false) || ours);
    }
    return [...byCluster].map(([name, ownedByKindlab]) => ({ name, ownedByKindlab }));
  }

  /** kind and a docker daemon that answers. */
  async available(ctx: ProviderContext): Promise<true | string> {
    try {
      await new Kind(ctx.runner, ctx.signal).requireVersion();
      await new Docker(ctx.runner, ctx.signal).requireDaemon();
      return true;
    } catch (e) {
      return (e as Error).message;
    }
  }

  async exportKubeconfig(rec: ClusterRecord, ctx: ProviderContext): Promise<void> {
    await new Kind(ctx.runner, ctx.signal).exportKubeconfig(rec.name);
  }

  async exportLogs(rec: ClusterRecord, dir: string, ctx: ProviderContext): Promise<void> {
    await new Kind(ctx.runner, ctx.signal).exportLogs(rec.name, dir);
  }

  /** Loads images from the local docker daemon into every node (`kind load docker-image`). */
  async loadImages(rec: ClusterRecord, images: string[], ctx: ProviderContext): Promise<void> {
    if (images.length) await new Kind(ctx.runner, ctx.signal).loadImages(rec.name, images);
  }

  /**
   * What every node's containerd holds, asked through crictl in the node: the API's
   * node.status.images catches up with a `kind load` only a minute or so later.
   */
  async nodeImages(rec: ClusterRecord, ctx: ProviderContext): Promise<string[]> {
    const docker = new Docker(ctx.runner, ctx.signal);
    const nodes = (await docker.kindNodes()).filter((n) => n.cluster === rec.name);
    let common: Set<string> | undefined;
    for (const n of nodes) {
      const r = await ctx.runner.run('docker', ['exec', n.name, 'crictl', 'images', '-o', 'json'], { signal: ctx.signal, allowFailure: true });
      if (r.exitCode !== 0) return [];
      const tags = new Set(((JSON.parse(r.stdout) as { images?: Array<{ repoTags?: string[] }> }).images ?? []).flatMap((i) => i.repoTags ?? []));
      common = common ? new Set([...common].filter((t) => tags.has(t))) : tags;
    }
    return [...(common ?? [])].sort();
  }

  async clusterSource(rec: ClusterRecord, ctx: ProviderContext): Promise<ClusterSource | undefined> {
    return kindClusterSource(rec, ctx);
  }

  /** kubeadm's static pods and every node's kubelet. */
  reloadable(): readonly ReloadComponent[] {
    return RELOADABLE;
  }

  /** Replaces components in the running cluster (src/cluster/kind/reload/). */
  reloadComponents(rec: ClusterRecord, payload: ReloadPayload, ctx: ReloadContext): Promise<ReloadedComponent[]> {
    return reloadKindCluster(rec, payload, ctx);
  }

  /** kubeadm's upgrade with kindlab's build of the target (src/cluster/kind/upgrade/). */
  upgradeCluster(rec: ClusterRecord, payload: UpgradePayload, ctx: UpgradeContext): Promise<UpgradeStepDone[]> {
    return upgradeKindCluster(rec, payload, ctx);
  }

  /** 'ours' = nodes exist with kindlab's mark, 'absent' = no nodes, 'foreign' = nodes without it. */
  private async ownership(name: string, ctx: ProviderContext): Promise<'ours' | 'absent' | 'foreign'> {
    const live = (await this.listLive(ctx)).find((c) => c.name === name);
    if (!live) return 'absent';
    return live.ownedByKindlab ? 'ours' : 'foreign';
  }
}

/**
 * A cluster cut off while kind created it, deleted until docker lists none of its nodes. A Ctrl-C
 * can land while kind's `docker run` of a node is still in flight: that node may appear (in state
 * "created") after the first `kind delete` listed the nodes, so the delete is checked and repeated.
 * Its nodes are kindlab's (the name was reserved before kind ran). What still remains is named.
 */
async function deleteHalfCreated(name: string, kubeconfig: string, logFile: string, ctx: ProviderContext): Promise<void> {
  const kind = new Kind(ctx.runner);
  const docker = new Docker(ctx.runner);
  let left: string[] = [];
  for (let attempt = 1; attempt <= 4; attempt++) {
    await kind.deleteCluster(name, kubeconfig, logFile).catch(() => undefined);
    left = (await docker.kindNodes().catch(() => [])).filter((n) => n.cluster === name).map((n) => n.name);
    if (left.length === 0) return;
    await sleep(1000 * attempt);
  }
  ctx.log.warn(`half-created cluster ${name}: nodes ${left.join(', ')} are still there after 4 deletes; remove them with kind delete cluster --name ${name}`);
}
