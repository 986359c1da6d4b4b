// `kindlab reload`: the Kubernetes components of a running kindlab cluster replaced by a build of
// the cluster's checkout (a ref, or HEAD with uncommitted edits). Only what the change touches is
// built and replaced (Go's dependency graph, src/reload/); the provider puts each component in and
// waits until it serves the new version (src/cluster/<name>/reload/). The cluster's record says
// what it runs, what each reload replaced, and — while one is under way or after one was cut off —
// what is between builds.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppEnv } from '../app/env.js';
import { buildDeps, phasesOf, providerContext } from '../app/env.js';
import { changeableCluster, progressMarker, recordTree, updateCluster } from '../app/cluster-record.js';
import { kubeProxyBaseImage } from '../app/kube-proxy-base.js';
import { canReloadComponents, type ClusterSource, type ComponentReloader, type ReloadedComponent, type ReloadPayload } from '../cluster/provider.js';
import type { Phases } from '../util/phases.js';
import { UsageError } from '../errors.js';
import { buildForReload } from '../reload/build.js';
import { isClusterComponent, type ReloadTarget } from '../reload/components.js';
import { componentPackageDirs } from '../reload/dependency-graph.js';
import { changedFiles } from '../reload/changed-files.js';
import { dirtyHash, planReload, type ReloadPlan } from '../reload/plan.js';
import { resolveSource } from '../source/build-image.js';
import { Git } from '../source/git.js';
import { chooseKubeRoot, validateKubeRoot } from '../source/kube-root.js';
import type { ClusterRecord, ClusterTree, ReloadInProgress } from '../state/records.js';

export interface ReloadRequest {
  cluster: string;
  /** Named on the command line; undefined = those the change touches. */
  components?: ReloadTarget[];
  ref: string;
  kubeRoot?: string;
  /** kube-proxy's new image is this image plus the binary (default: $KINDLAB_BASE_IMAGE, else kind's base image). */
  baseImage?: string;
}

export interface ReloadOutcome {
  cluster: string;
  from: string;
  to: string;
  kubeRoot: string;
  plan: ReloadPlan;
  /** Set when nothing was replaced, with the reason. */
  nothing?: string;
  /** Set when the named components leave the cluster running two trees. */
  partial?: string;
  build?: { seconds: number; cacheHit: boolean; logFile?: string; version: string };
  replaced: ReloadedComponent[];
  /** The kubectl runs against the cluster use now, when the reload built one. */
  kubectl?: string;
  seconds: number;
}

export async function reloadWorkflow(app: AppEnv, req: ReloadRequest): Promise<ReloadOutcome> {
  const started = performance.now();
  const phases = phasesOf(app);
  const rec = await changeableCluster(app, req.cluster);
  const provider = await app.providers.get(rec.provider);
  if (!canReloadComponents(provider)) {
    throw new UsageError(`cluster "${rec.name}" runs on the ${rec.provider} provider, which cannot replace components in a running cluster`, {
      hint: `rebuild and recreate it: kindlab down ${rec.name} && kindlab up --provider ${rec.provider} --ref HEAD`,
    });
  }
  const runs = provider.reloadable(rec);
  const p = await planFor(app, req, rec, [...runs, 'kubectl'], await provider.clusterSource(rec, providerContext(app)), phases);
  const outcome = (o: Partial<ReloadOutcome>): ReloadOutcome => ({ cluster: rec.name, from: p.from, to: p.to, kubeRoot: p.kubeRoot.path, plan: p.plan, replaced: [], seconds: (performance.now() - started) / 1000, ...o });
  for (const t of p.plan.because) phases.note(`${t.component}: ${t.because}`);
  if (p.plan.components.length === 0) return outcome({ nothing: nothingToReload(rec.name, p.to, p.plan, [...runs, 'kubectl']) });

  // Checked before the build is paid for.
  const kubeProxyBase = p.plan.components.includes('kube-proxy') ? await kubeProxyBaseImage(app, req.baseImage) : undefined;
  const buildStarted = performance.now();
  const built = await buildForReload({ kubeRoot: p.kubeRoot, ref: req.ref }, p.plan.components, buildDeps(app, phases));
  const build = { seconds: (performance.now() - buildStarted) / 1000, cacheHit: built.cacheHit, logFile: built.logFile, version: built.gitVersion };
  const payload = { binDir: built.binDir, components: p.plan.components.filter(isClusterComponent), version: built.gitVersion, kubeProxyBase };
  if (app.dryRun) {
    const replaced = payload.components.length ? await provider.reloadComponents(rec, payload, { ...providerContext(app), phases, onReplacing: () => undefined, onReplaced: () => undefined }) : [];
    return outcome({ build, replaced, to: built.describe });
  }
  const replaced = payload.components.length ? await replaceRecorded(app, rec, provider, payload, { from: p.from, to: built.describe }, phases) : [];
  // kubectl is this machine's: the runs against the cluster use the new one from now on.
  const kubectl = p.plan.components.includes('kubectl') ? join(built.binDir, 'kubectl') : undefined;
  if (kubectl) await updateCluster(app, rec.name, (r) => ({ ...r, kubectl }));
  // What the cluster runs is one tree only when every component it runs is of that tree: all that
  // the change touched were replaced (the others are the same build), or all were named. Naming
  // fewer leaves the earlier tree as the baseline: the next reload without names replaces whatever
  // else the change touches.
  const whole = !req.components || runs.every((c) => p.plan.components.includes(c));
  await recordTree(app, rec.name, whole ? { commit: built.commit, describe: built.describe, kubeRoot: p.kubeRoot.path, patch: built.patch } : undefined);
  const partial = whole ? undefined : `only ${p.plan.components.join(', ')} ${p.plan.components.length === 1 ? 'runs' : 'run'} ${built.describe} now; kindlab still compares against ${p.from} (a reload without component names replaces whatever else your change touches)`;
  return outcome({ build, replaced, kubectl, to: built.describe, partial });
}

interface PlannedReload {
  plan: ReloadPlan;
  kubeRoot: { path: string; from: string };
  from: string;
  to: string;
}

/** What the cluster runs, the tree to reload from, and what differs between them (nothing is built). */
async function planFor(app: AppEnv, req: ReloadRequest, rec: ClusterRecord, runs: readonly ReloadTarget[], imageSource: ClusterSource | undefined, phases: Phases): Promise<PlannedReload> {
  const before: ClusterTree | undefined = rec.source ?? imageSource;
  if (!before && !req.components) {
    throw new UsageError(`kindlab does not know which Kubernetes tree cluster "${rec.name}" runs (it was not built by kindlab from a checkout), so it cannot tell what changed`, {
      hint: `name the components to replace, e.g. kindlab reload --cluster ${rec.name} ${runs[0] ?? 'kube-apiserver'} (it runs ${runs.join(', ')}); later reloads compare against that build`,
    });
  }
  const kubeRoot = reloadKubeRoot(app, req, rec, before);
  validateKubeRoot(kubeRoot);
  const git = new Git(app.runner, kubeRoot.path, app.signal);
  const after = await phases.run('resolve ref', () => resolveSource({ kubeRoot, ref: req.ref }, git));
  if (before && !(await git.hasCommit(before.commit))) {
    throw new UsageError(`cluster "${rec.name}" runs commit ${before.commit.slice(0, 12)} (${before.describe}), which ${kubeRoot.path} (from ${kubeRoot.from}) does not have`, {
      hint: 'fetch it into that checkout, or pass --kube-root with the checkout the cluster was built from',
    });
  }
  const beforePatch = before ? baselinePatch(before) : { patch: undefined, known: true };
  if (!req.components && !beforePatch.known) {
    throw new UsageError(`cluster "${rec.name}" runs ${before!.describe}, a build of uncommitted changes kindlab kept no copy of, so it cannot tell what changed since`, {
      hint: `name the components to replace this once (e.g. kindlab reload --cluster ${rec.name} ${runs.join(' ')}); later reloads compare against it`,
    });
  }
  const commitDiff = before ? await git.changedFiles(before.commit, after.commit) : [];
  const beforeState = { commit: before?.commit ?? after.commit, patch: beforePatch.patch };
  // Nothing differs: no dependency graph to load.
  const unchanged = changedFiles(commitDiff, beforeState, after).length === 0;
  let packageDirs: Map<ReloadTarget, Set<string>> | undefined;
  if (!req.components) {
    packageDirs = unchanged
      ? new Map()
      : await phases.run(`which components the change touches (go list -deps of ${runs.join(', ')})`, () =>
          componentPackageDirs(kubeRoot.path, runs, { runner: app.runner, env: app.env, signal: app.signal }),
        );
  }
  const from = before?.describe ?? rec.kubernetesVersion ?? 'unknown';
  const plan = planReload({ before: { ...beforeState, describe: from, patchKnown: beforePatch.known }, after, commitDiff, named: req.components, packageDirs, runs });
  return { plan, kubeRoot, from, to: after.describe };
}

function nothingToReload(cluster: string, to: string, plan: ReloadPlan, runs: readonly ReloadTarget[]): string {
  if (plan.changed.length === 0) return `cluster "${cluster}" already runs ${to}: no file differs`;
  const some = `${plan.changed.slice(0, 3).join(', ')}${plan.changed.length > 3 ? ', …' : ''}`;
  return `none of ${runs.join(', ')} is built from the ${plan.changed.length} changed file(s) (${some}), by Go's dependency graph`;
}

/**
 * The provider's reload, with the record kept true as it goes: a `reloading` marker naming what
 * landed and what is being replaced (what `ls` shows if the run is cut off), then the reload in
 * the record's history. Writes happen in the order things happened.
 */
async function replaceRecorded(app: AppEnv, rec: ClusterRecord, provider: ComponentReloader, payload: ReloadPayload, tree: { from: string; to: string }, phases: Phases): Promise<ReloadedComponent[]> {
  const progress: ReloadInProgress = { ownerPid: process.pid, startedAt: new Date().toISOString(), ...tree, components: [...payload.components], replaced: [], replacing: [] };
  const marker = progressMarker(app, rec.name, 'reloading', progress);
  await marker.written();
  try {
    const replaced = await provider.reloadComponents(rec, payload, {
      ...providerContext(app),
      phases,
      onReplacing: (component, where) => {
        progress.replacing.push({ component, where });
        marker.record();
      },
      onReplaced: (r) => {
        progress.replaced.push({ ...r });
        progress.replacing = progress.replacing.filter((x) => x.component !== r.component || x.where !== r.where);
        marker.record();
      },
    });
    await marker.written();
    await updateCluster(app, rec.name, (r) => ({ ...r, reloads: [...(r.reloads ?? []), { at: progress.startedAt, ...tree, replaced }], reloading: undefined }));
    return replaced;
  } catch (e) {
    await marker.written().catch(() => undefined);
    // Cut off: the marker stays and names what landed and what was being replaced (`ls` shows it,
    // the next reload goes on from it). A component that did not come back was put back by the
    // provider: the record keeps the earlier tree as the baseline and lists what did land.
    if (!app.signal.aborted) {
      await updateCluster(app, rec.name, (r) => ({ ...r, reloading: undefined, reloads: [...(r.reloads ?? []), { at: progress.startedAt, ...tree, replaced: progress.replaced, failed: (e as Error).message }] }));
    }
    throw e;
  }
}

/** The checkout a reload of the cluster builds from (without building). */
export async function reloadCheckout(app: AppEnv, req: ReloadRequest): Promise<{ path: string; from: string }> {
  const rec = await changeableCluster(app, req.cluster);
  const provider = await app.providers.get(rec.provider);
  const before = rec.source ?? (canReloadComponents(provider) ? await provider.clusterSource(rec, providerContext(app)) : undefined);
  return reloadKubeRoot(app, req, rec, before);
}

/** --kube-root, else the checkout the cluster was built from, else $KUBE_ROOT, else the current directory. */
function reloadKubeRoot(app: AppEnv, req: ReloadRequest, rec: ClusterRecord, before: ClusterSource | undefined): { path: string; from: string } {
  if (!req.kubeRoot && before?.kubeRoot && existsSync(before.kubeRoot)) return { path: before.kubeRoot, from: `the checkout cluster "${rec.name}" was built from` };
  return chooseKubeRoot(req.kubeRoot, app.env, app.cwd);
}

/** The uncommitted changes the cluster's build was made with, when kindlab kept them. */
function baselinePatch(tree: ClusterTree): { patch: string | undefined; known: boolean } {
  if (tree.patchFile && existsSync(tree.patchFile)) return { patch: readFileSync(tree.patchFile, 'utf8'), known: true };
  return { patch: undefined, known: !dirtyHash(tree.describe) };
}
