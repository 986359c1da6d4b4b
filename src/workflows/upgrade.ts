// `kindlab upgrade` (and the upgrade between the two phases of `kindlab test --upgrade-to`): a
// running kindlab cluster moved to the Kubernetes of another ref the way kubeadm upgrades a
// cluster. Checked before anything is built: the version skew policy (src/upgrade/skew.ts) and
// the cluster's feature gates against the target's own source. Then the target's binaries are
// built with the Go build cache (every component: kubeadm upgrades them all), and the provider
// upgrades (src/cluster/<name>/upgrade/). The record says what the cluster runs, and — while an
// upgrade is under way or after one was cut off — which steps landed.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { changeableCluster, progressMarker, recordTree, updateCluster } from '../app/cluster-record.js';
import type { AppEnv } from '../app/env.js';
import { buildDeps, phasesOf, providerContext } from '../app/env.js';
import { kubeProxyBaseImage } from '../app/kube-proxy-base.js';
import { canReloadComponents, canUpgrade, type UpgradeStepDone } from '../cluster/provider.js';
import { UsageError } from '../errors.js';
import { checkGates } from '../plan/gates.js';
import { reloadBuild } from '../reload/build.js';
import { buildAtRef } from '../source/build-at-ref.js';
import { resolveSource, type ResolvedSource } from '../source/build-image.js';
import { treeFeatureSpecs } from '../source/feature-source.js';
import { Git } from '../source/git.js';
import { kubeGitVersion } from '../source/kube-version.js';
import { chooseKubeRoot } from '../source/kube-root.js';
import { GO_BUILT } from '../source/release-layout.js';
import type { ClusterRecord, UpgradeInProgress } from '../state/records.js';
import { checkUpgrade, type UpgradeStep } from '../upgrade/skew.js';
import type { Phases } from '../util/phases.js';

export interface UpgradeRequest {
  cluster: string;
  /** The ref of the checkout to upgrade to (HEAD includes uncommitted edits). */
  to: string;
  kubeRoot?: string;
  /** The image kube-proxy's image is layered on (kind's base image by default). */
  baseImage?: string;
  /** Only the control plane moves; the kubelets keep their version (a version-skew run). */
  kubeletsStay?: boolean;
  /** `docker save` archives (or folders of them) with the target's etcd, CoreDNS and pause; default $KINDLAB_IMAGES. */
  images?: string[];
}

export interface UpgradeOutcome {
  cluster: string;
  from: string;
  to: string;
  /** The describe of the tree upgraded to. */
  describe: string;
  kind: UpgradeStep['kind'];
  kubeRoot: string;
  kubeletsStay: boolean;
  build: { seconds: number; cacheHit: boolean; logFile?: string };
  steps: UpgradeStepDone[];
  seconds: number;
}

export async function upgradeWorkflow(app: AppEnv, req: UpgradeRequest): Promise<UpgradeOutcome> {
  return upgradeCluster(app, await changeableCluster(app, req.cluster), req, phasesOf(app));
}

/** Checks, builds and upgrades one cluster kindlab created (the record kept true as it goes). */
export async function upgradeCluster(app: AppEnv, rec: ClusterRecord, req: Omit<UpgradeRequest, 'cluster'>, phases: Phases): Promise<UpgradeOutcome> {
  const started = performance.now();
  const provider = await app.providers.get(rec.provider);
  if (!canUpgrade(provider)) {
    throw new UsageError(`cluster "${rec.name}" runs on the ${rec.provider} provider, which cannot upgrade a running cluster`, { hint: 'kindlab upgrades kind clusters (kubeadm): --provider kind' });
  }
  const from = (await phases.run('the version the cluster serves', () => app.clusterApi.readInfo(rec.kubeconfig, rec.provider, rec.profile.featureGates, app.signal))).gitVersion;
  const kubeRoot = await upgradeKubeRoot(app, rec, req);
  const { src, version: to } = await phases.run(`resolve ${req.to} in ${kubeRoot.path}`, () => upgradeTarget(app, kubeRoot, req.to));
  const step = checkUpgrade(from, to, { kubeletsStay: req.kubeletsStay });
  await checkGatesAt(app, rec, to, kubeRoot.path, src.commit);
  const kubeProxyBase = await kubeProxyBaseImage(app, req.baseImage);

  const buildStarted = performance.now();
  const built = await buildAtRef({ kubeRoot, ref: req.to }, reloadBuild(GO_BUILT), buildDeps(app, phases));
  const build = { seconds: (performance.now() - buildStarted) / 1000, cacheHit: built.cacheHit, logFile: built.logFile };
  const imageArchives = req.images?.length ? req.images : (app.env.KINDLAB_IMAGES ?? '').split(':').filter(Boolean);
  const payload = { binDir: built.binDir, version: built.gitVersion, experimental: step.experimental, rebuild: step.kind === 'rebuild', kubeletsStay: Boolean(req.kubeletsStay), kubeProxyBase, imageArchives };
  const outcome = (steps: UpgradeStepDone[]): UpgradeOutcome => ({
    cluster: rec.name, from, to: built.gitVersion, describe: built.describe, kind: step.kind, kubeRoot: kubeRoot.path, kubeletsStay: payload.kubeletsStay, build, steps, seconds: (performance.now() - started) / 1000,
  });
  const ctx = { ...providerContext(app), phases };
  if (app.dryRun) return outcome(await provider.upgradeCluster(rec, payload, { ...ctx, onStep: () => undefined, onDone: () => undefined }));

  const progress: UpgradeInProgress = { ownerPid: process.pid, startedAt: new Date().toISOString(), from, to: built.gitVersion, steps: [] };
  const marker = progressMarker(app, rec.name, 'upgrading', progress);
  await marker.written();
  try {
    const steps = await provider.upgradeCluster(rec, payload, {
      ...ctx,
      onStep: (s, where) => {
        progress.doing = { step: s, where };
        marker.record();
      },
      onDone: (s) => {
        progress.steps.push({ ...s });
        progress.doing = undefined;
        marker.record();
      },
    });
    await marker.written();
    const entry = { at: progress.startedAt, from, to: built.gitVersion, steps, ...(payload.kubeletsStay ? { kubeletsStay: true } : {}) };
    // The whole cluster runs the target's tree unless the kubelets stayed behind.
    if (!payload.kubeletsStay) await recordTree(app, rec.name, { commit: built.commit, describe: built.describe, kubeRoot: kubeRoot.path, patch: built.patch });
    await updateCluster(app, rec.name, (r) => ({
      ...r,
      kubernetesVersion: built.gitVersion.replace(/^v/, ''),
      kubectl: join(built.binDir, 'kubectl'),
      upgrades: [...(r.upgrades ?? []), entry],
      upgrading: undefined,
    }));
    return outcome(steps);
  } catch (e) {
    await marker.written().catch(() => undefined);
    // Cut off: the marker stays (kindlab ls names what landed and what was under way). A failed
    // step: the history says which, and the marker goes.
    if (!app.signal.aborted) {
      await updateCluster(app, rec.name, (r) => ({
        ...r,
        upgrading: undefined,
        upgrades: [...(r.upgrades ?? []), { at: progress.startedAt, from, to: built.gitVersion, steps: progress.steps, failed: `${progress.doing ? `${progress.doing.step} on ${progress.doing.where}: ` : ''}${(e as Error).message}` }],
      }));
    }
    throw e;
  }
}

/** The tree an upgrade goes to, and the Kubernetes version its binaries will report. */
export async function upgradeTarget(app: AppEnv, kubeRoot: { path: string; from: string }, ref: string): Promise<{ src: ResolvedSource; version: string }> {
  const src = await resolveSource({ kubeRoot, ref }, new Git(app.runner, kubeRoot.path, app.signal));
  const version = kubeGitVersion(src.describe);
  if (!version) throw new UsageError(`${ref} (${src.describe}) in ${kubeRoot.path} has no Kubernetes version tag before it`, { hint: 'upgrade to a ref that git describe places after a vX.Y.Z tag' });
  return { src, version };
}

/** --kube-root, else the checkout the cluster's tree came from, else $KUBE_ROOT, else the current directory. */
async function upgradeKubeRoot(app: AppEnv, rec: ClusterRecord, req: Pick<UpgradeRequest, 'kubeRoot'>): Promise<{ path: string; from: string }> {
  if (req.kubeRoot) return chooseKubeRoot(req.kubeRoot, app.env, app.cwd);
  const provider = await app.providers.get(rec.provider);
  const tree = rec.source ?? (canReloadComponents(provider) ? await provider.clusterSource(rec, providerContext(app)) : undefined);
  if (tree?.kubeRoot && existsSync(tree.kubeRoot)) return { path: tree.kubeRoot, from: `the checkout cluster "${rec.name}" was built from` };
  return chooseKubeRoot(undefined, app.env, app.cwd);
}

/**
 * kubeadm carries the cluster's feature gates into the target's manifests and kubelet config; a gate
 * the target removed or locked the other way would stop a component from starting halfway through.
 */
async function checkGatesAt(app: AppEnv, rec: ClusterRecord, to: string, kubeRoot: string, commit: string): Promise<void> {
  const gates = rec.profile.featureGates;
  if (Object.keys(gates).length === 0) return;
  const v = semver.parse(to.replace(/^v/, ''), { loose: true });
  const sourceGates = await treeFeatureSpecs(app.runner, kubeRoot, commit, app.signal);
  const check = checkGates(gates, { minor: v?.minor, patch: v?.patch, sourceGates, description: to });
  if (check.problems.length) {
    throw new UsageError(`cluster "${rec.name}"'s feature gates do not hold at ${to}: ${check.problems.join('; ')}`, {
      hint: 'kubeadm would carry them into the new components, which would refuse to start: create the cluster without them, or upgrade to a version that still has them',
    });
  }
}
