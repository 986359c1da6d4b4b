// Runs scenarios against one cluster: each in its own labelled namespace, N at a time, each with
// its own timeout; a throwing or hung scenario fails alone. Cleanups run in reverse; cluster-scoped
// objects the scenario created are deleted; on failure, artifacts are collected first.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import YAML from 'yaml';
import type { ProcessRunner } from '../exec/runner.js';
import type { ScenarioResult } from '../report/model.js';
import { toApiError } from './api-error.js';
import { createContext, newRunState, refOf, ScenarioSkip, trimObject, type RunState } from './context.js';
import { redact } from './redact.js';
import { missingImages } from './missing-images.js';

export { missingImages };
import { requirementsFor, stageFor } from '../plan/requirements.js';
import type { ClusterInfo, Scenario } from './types.js';

export interface RunTarget {
  /** Cluster name for reports. */
  name: string;
  kubeconfigPath: string;
  info: ClusterInfo;
  kubectl: string;
  /** kind clusters: `kind export logs` into a folder. */
  exportLogs?: (dir: string) => Promise<void>;
}

export interface RunOptions {
  runId: string;
  /**
   * The namespace to run in instead of the scenario's own: `existing` when an earlier half made it
   * (the after-upgrade half of AcrossUpgrade); `keep` leaves it for a later half.
   */
  namespace?: { name: string; existing?: boolean; keep?: boolean };
  /** Overrides each scenario's own timeout. */
  timeoutSeconds?: number;
  keep: boolean;
  artifactsDir: string;
  runner: ProcessRunner;
  signal: AbortSignal;
  hooks?: {
    onStart?: (id: string) => void;
    onStep?: (id: string, step: string) => void;
    onDone?: (result: ScenarioResult) => void;
  };
}

export const DEFAULT_TIMEOUT_SECONDS = 300;
export const LABEL_SCENARIO = 'kindlab.io/scenario';
export const LABEL_RUN = 'kindlab.io/run';

/**
 * An id as a DNS label part: scenario ids already are; an upstream selection's id (`e2e:…`) is
 * not, so it is folded to [a-z0-9-] with a short hash of the original (two selections never share
 * a namespace).
 */
export function kubeSafeId(id: string): string {
  if (/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(id) && id.length <= 40) return id;
  const folded = id.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 30).replace(/-+$/, '');
  return `${folded || 'x'}-${createHash('sha256').update(id).digest('hex').slice(0, 8)}`;
}

export function namespaceFor(id: string, runId: string): string {
  const base = `kl-${kubeSafeId(id)}`.slice(0, 63 - runId.length - 1).replace(/-+$/, '');
  return `${base}-${runId}`;
}

export async function runOne(s: Scenario, target: RunTarget, opts: RunOptions): Promise<ScenarioResult> {
  const started = performance.now();
  const state = newRunState();
  const namespace = opts.namespace?.name ?? namespaceFor(s.id, opts.runId);
  const timeoutSeconds = opts.timeoutSeconds ?? s.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(target.kubeconfigPath);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const scenarioAbort = new AbortController();
  const onOuterAbort = (): void => scenarioAbort.abort(opts.signal.reason);
  opts.signal.addEventListener('abort', onOuterAbort, { once: true });
  let currentStep: string | undefined;
  opts.hooks?.onStart?.(s.id);

  const result: ScenarioResult = { id: s.id, title: s.title, kep: s.kep, cluster: target.name, status: 'passed', steps: state.steps, logs: state.logs, durationMs: 0, namespace };
  let timer: NodeJS.Timeout | undefined;
  const absent = imagesAbsent(s, target);
  if (absent) {
    Object.assign(result, { status: 'skipped', skipKind: 'environment', message: absent, durationMs: performance.now() - started });
    opts.signal.removeEventListener('abort', onOuterAbort);
    return result;
  }
  try {
    const stage = stageFor(s, target.info);
    if (stage?.stage) result.stage = stage.stage;
    if (!opts.namespace?.existing) await core.createNamespace({ body: { metadata: { name: namespace, labels: { [LABEL_SCENARIO]: kubeSafeId(s.id), [LABEL_RUN]: opts.runId, 'app.kubernetes.io/managed-by': 'kindlab' } } } });
    const ctx = createContext({
      kubeconfigPath: target.kubeconfigPath,
      namespace,
      cluster: target.info,
      stage,
      signal: scenarioAbort.signal,
      runner: opts.runner,
      kubectl: target.kubectl,
      state,
      ...(s.counterProofOf ? { expectFeatureOn: s.counterProofOf.gate } : {}),
      hooks: {
        onStep: (n) => {
          currentStep = n;
          opts.hooks?.onStep?.(s.id, n);
        },
      },
    });
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const err = new Error(`timed out after ${timeoutSeconds}s${currentStep ? ` in step "${currentStep}"` : ''}`);
        (err as Error & { timedOut?: boolean }).timedOut = true;
        scenarioAbort.abort(err);
        reject(err);
      }, timeoutSeconds * 1000);
    });
    await Promise.race([s.run(ctx), timeout, abortedBy(scenarioAbort.signal, opts.signal)]);
  } catch (e) {
    Object.assign(result, verdictOf(e, state, currentStep));
  } finally {
    clearTimeout(timer);
    opts.signal.removeEventListener('abort', onOuterAbort);
  }
  if (state.partial.length) result.partial = [...state.partial];

  if (result.status === 'failed' && opts.signal.aborted) {
    // Cut short by Ctrl-C or the run's shutdown: not a verdict on the feature.
    result.status = 'interrupted';
    result.message = 'interrupted';
  } else if (result.status === 'failed') {
    result.artifactsDir = join(opts.artifactsDir, kubeSafeId(s.id));
    await collectArtifacts(kc, namespace, state, target, result.artifactsDir, result).catch((e: unknown) => {
      state.logs.push(`artifact collection failed: ${(e as Error).message}`);
    });
  }
  await cleanUp(kc, namespace, state, opts.keep || Boolean(opts.namespace?.keep && result.status === 'passed'));
  result.durationMs = performance.now() - started;
  opts.hooks?.onDone?.(result);
  return result;
}

/** Why the scenario cannot run here: an image it needs that no node has (nothing is pulled). */
function imagesAbsent(s: Scenario, target: RunTarget): string | undefined {
  const absent = missingImages(requirementsFor(s, target.info).images, target.info);
  if (!absent.length) return undefined;
  const them = absent.length > 1 ? 'them' : 'it';
  return `needs image${absent.length > 1 ? 's' : ''} ${absent.join(', ')}, which no node of the cluster has; kindlab does not wait for a pull (load ${them} into the nodes, e.g. kind load docker-image, or let kindlab create the cluster with ${them} in the local docker daemon)`;
}

/**
 * Rejects when the scenario's own signal aborts (Ctrl-C through the run's signal, or the timeout),
 * with the run's reason first. Listened to here only, so no listener outlives the scenario on the
 * run's shared signal.
 */
function abortedBy(scenario: AbortSignal, run: AbortSignal): Promise<never> {
  return new Promise<never>((_, reject) => {
    if (run.aborted) reject(run.reason);
    scenario.addEventListener('abort', () => reject(run.aborted ? run.reason : scenario.reason), { once: true });
  });
}

/** What a scenario that threw ends as: skipped for a ScenarioSkip, else failed in its last failed step. */
function verdictOf(e: unknown, state: RunState, currentStep: string | undefined): Partial<ScenarioResult> {
  if (e instanceof ScenarioSkip) return { status: 'skipped', skipKind: e.kind, message: redact(e.reason) };
  const err = toApiError(e);
  return {
    status: 'failed',
    message: redact(err instanceof Error ? err.message : String(err)),
    timedOut: Boolean((e as { timedOut?: boolean }).timedOut),
    failedStep: [...state.steps].reverse().find((st) => st.status === 'failed')?.name ?? currentStep,
  };
}

async function cleanUp(kc: k8s.KubeConfig, namespace: string, state: RunState, keep: boolean): Promise<void> {
  for (const fn of [...state.cleanups].reverse()) {
    try {
      await fn();
    } catch (e) {
      state.logs.push(`cleanup failed: ${(e as Error).message}`);
    }
  }
  if (keep) {
    state.logs.push(`--keep: namespace ${namespace} and cluster-scoped objects left in place`);
    return;
  }
  const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
  for (const ref of [...state.created].reverse()) {
    if (ref.namespace) continue; // goes with the namespace
    try {
      await objects.delete({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name } });
    } catch (e) {
      const err = toApiError(e) as { code?: number; message?: string };
      if (err.code !== 404) state.logs.push(`could not delete ${ref.kind} ${ref.name}: ${err.message}`);
    }
  }
  try {
    await kc.makeApiClient(k8s.CoreV1Api).deleteNamespace({ name: namespace, propagationPolicy: 'Background' });
  } catch (e) {
    const err = toApiError(e) as { code?: number; message?: string };
    if (err.code !== 404) state.logs.push(`could not delete namespace ${namespace}: ${err.message}`);
  }
}

const UNTRACKED_KINDS: ReadonlyArray<readonly [string, string]> = [
  ['v1', 'ConfigMap'],
  ['v1', 'ServiceAccount'],
  ['v1', 'Service'],
  ['v1', 'PersistentVolumeClaim'],
  ['apps/v1', 'Deployment'],
  ['apps/v1', 'ReplicaSet'],
  ['apps/v1', 'StatefulSet'],
  ['apps/v1', 'DaemonSet'],
  ['batch/v1', 'Job'],
  ['batch/v1', 'CronJob'],
  ['policy/v1', 'PodDisruptionBudget'],
];

/** Events, object YAML, pod logs (incl. previous containers), node conditions, kind logs. */
async function collectArtifacts(kc: k8s.KubeConfig, namespace: string, state: RunState, target: RunTarget, dir: string, result: ScenarioResult): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
  const write = (name: string, content: string): void => writeFileSync(join(dir, name), redact(content));
  write('result.yaml', YAML.stringify({ id: result.id, status: result.status, failedStep: result.failedStep, message: result.message, steps: state.steps, logs: state.logs }));
  const events = await core.listNamespacedEvent({ namespace }).catch(() => undefined);
  if (events) {
    const lines = events.items
      .sort((a, b) => String(a.lastTimestamp ?? a.eventTime ?? '').localeCompare(String(b.lastTimestamp ?? b.eventTime ?? '')))
      .map((e) => `${e.lastTimestamp ?? e.eventTime ?? ''} ${e.type} ${e.reason} ${e.involvedObject.kind}/${e.involvedObject.name}: ${e.message}`);
    write('events.txt', lines.join('\n') + '\n');
  }
  const docs: string[] = [];
  for (const ref of state.created) {
    try {
      const obj = await objects.read({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } });
      docs.push(YAML.stringify(trimObject(obj)));
    } catch {
      docs.push(`# ${ref.kind} ${ref.namespace ?? ''}/${ref.name}: gone\n`);
    }
  }
  // Objects in the namespace the scenario did not create itself (controllers, kubectl): the usual
  // kinds, not Secrets (credentials); Pods follow below with their logs.
  for (const [apiVersion, kind] of UNTRACKED_KINDS) {
    const list = await objects.list(apiVersion, kind, namespace).catch(() => undefined);
    for (const obj of list?.items ?? []) {
      const name = obj.metadata?.name ?? '';
      if (kind === 'ConfigMap' && name === 'kube-root-ca.crt') continue;
      if (state.created.some((r) => r.kind === kind && r.name === name && r.namespace === namespace)) continue;
      docs.push(YAML.stringify(trimObject({ ...obj, apiVersion, kind })));
    }
  }
  const pods = await core.listNamespacedPod({ namespace }).catch(() => undefined);
  for (const pod of pods?.items ?? []) {
    const ref = refOf({ ...pod, apiVersion: 'v1', kind: 'Pod' });
    if (!state.created.some((r) => r.kind === 'Pod' && r.name === ref.name)) docs.push(YAML.stringify(trimObject({ ...pod, apiVersion: 'v1', kind: 'Pod' })));
    const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => c.name);
    for (const c of containers) {
      for (const previous of [false, true]) {
        try {
          const text = await core.readNamespacedPodLog({ name: pod.metadata!.name!, namespace, container: c, previous });
          if (text) write(`logs-${pod.metadata!.name}-${c}${previous ? '-previous' : ''}.txt`, text);
        } catch {
          /* no such container log (not started, or no previous instance) */
        }
      }
    }
  }
  write('objects.yaml', docs.join('---\n'));
  const nodes = await core.listNode().catch(() => undefined);
  if (nodes) write('nodes.yaml', YAML.stringify(nodes.items.map((n) => ({ name: n.metadata?.name, conditions: n.status?.conditions, nodeInfo: n.status?.nodeInfo }))));
  if (target.exportLogs) await target.exportLogs(join(dir, 'cluster-logs'));
}

/**
 * Images a scenario needs that the cluster's nodes do not have. Only judged where pods run and
 * the nodes' image lists were readable; docker's short names count for their full form.
 */
