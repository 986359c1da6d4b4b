// Builds the ScenarioContext a scenario's run(ctx) receives: clients bound to the cluster, the
// scenario's namespace, object helpers that track what they create (for cleanup and artifacts),
// polling with last-state messages, kubectl/exec/logs/metrics, steps and cleanups.
import * as k8s from '@kubernetes/client-node';
import { rawGet } from './api-request.js';

export { rawGet };
import YAML from 'yaml';
import type { ProcessRunner } from '../exec/runner.js';
import { sleep } from '../util/abort.js';
import { toApiError } from './api-error.js';
import { assert } from './assert.js';
import { redact } from './redact.js';
import type { ClusterInfo, ExecResult, KubectlResult, ObjectRef, ScenarioContext, ScenarioStage, SkipKind, WaitOptions } from './types.js';

/** Thrown by ctx.skip(): the scenario is reported as skipped with the reason. */
export class ScenarioSkip extends Error {
  constructor(
    readonly reason: string,
    readonly kind: SkipKind = 'environment',
  ) {
    super(reason);
    this.name = 'ScenarioSkip';
  }
}

/** Exposes the discovery-backed resource lookup client-node keeps protected. */
class ObjectClient extends k8s.KubernetesObjectApi {
  static fromConfig(kc: k8s.KubeConfig): ObjectClient {
    return kc.makeApiClient(ObjectClient as unknown as k8s.ApiConstructor<ObjectClient>);
  }
  async isNamespaced(apiVersion: string, kind: string): Promise<boolean> {
    const r = await this.resource(apiVersion, kind);
    if (!r) throw new Error(`the API server does not serve ${kind} in ${apiVersion}`);
    return r.namespaced;
  }
}

export interface StepRecord {
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  durationMs: number;
  error?: string;
  /** The scenario marks this step as asserting its feature (a counter-proof must fail here). */
  assertsFeature?: boolean;
}

export interface ContextHooks {
  onStep?: (name: string) => void;
  onLog?: (line: string) => void;
}

export interface RunState {
  steps: StepRecord[];
  logs: string[];
  /** Objects the scenario created, in creation order. */
  created: ObjectRef[];
  cleanups: Array<() => Promise<void> | void>;
  /** Parts of the check that did not run here (ctx.partial): a pass then says it covered less. */
  partial: string[];
}

export function newRunState(): RunState {
  return { steps: [], logs: [], created: [], cleanups: [], partial: [] };
}

export interface ContextOptions {
  kubeconfigPath: string;
  namespace: string;
  cluster: ClusterInfo;
  /** The needs the planner chose for the cluster's version (src/plan/requirements.ts stageFor). */
  stage?: ScenarioStage;
  signal: AbortSignal;
  runner: ProcessRunner;
  kubectl: string;
  state: RunState;
  hooks?: ContextHooks;
  /** A counter-proof run: the gate the scenario is told is on, on a cluster that has it off. */
  expectFeatureOn?: string;
}

export function refOf(obj: k8s.KubernetesObject): ObjectRef {
  return { apiVersion: obj.apiVersion ?? '', kind: obj.kind ?? '', name: obj.metadata?.name ?? '', namespace: obj.metadata?.namespace };
}

export function createContext(o: ContextOptions): ScenarioContext {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(o.kubeconfigPath);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const objects = ObjectClient.fromConfig(kc);
  const { state } = o;
  const log = (line: string): void => {
    const clean = redact(line);
    state.logs.push(clean);
    o.hooks?.onLog?.(clean);
  };
  const { resolveRef, ...ops } = objectOps(objects, o.namespace, state);
  const ctx: ScenarioContext = {
    namespace: o.namespace,
    cluster: o.cluster,
    ...(o.expectFeatureOn ? { expectFeatureOn: o.expectFeatureOn } : {}),
    stage: o.stage,
    kubeconfigPath: o.kubeconfigPath,
    kc,
    core,
    objects,
    signal: o.signal,
    ...ops,
    async waitFor<T extends k8s.KubernetesObject>(ref: ObjectRef, predicate: (obj: T) => boolean, opts: WaitOptions = {}): Promise<T> {
      const full = await resolveRef(ref);
      let last: unknown;
      return pollUntil<T>(
        async () => {
          const obj = await ctx.get<T>(full);
          last = obj;
          return predicate(obj) ? obj : undefined;
        },
        { description: `${ref.kind} ${full.namespace ? `${full.namespace}/` : ''}${ref.name}`, ...opts },
        () => `last state seen:\n${last === undefined ? '(none)' : YAML.stringify(trimObject(last), { lineWidth: 0 }).slice(0, 3000)}`,
        o.signal,
      );
    },
    async eventually(check, opts = {}) {
      return pollUntil(check, opts, () => 'the check never returned a value', o.signal);
    },
    async exec(pod, container, command): Promise<ExecResult> {
      const args = ['exec', '-n', o.namespace, pod, ...(container ? ['-c', container] : []), '--', ...command];
      return ctx.kubectl(args);
    },
    async logs(pod, container, opts = {}) {
      try {
        return await core.readNamespacedPodLog({ name: pod, namespace: o.namespace, container, previous: opts.previous });
      } catch (e) {
        throw toApiError(e);
      }
    },
    async kubeletMetrics(node, path = '/metrics') {
      return ctx.raw(`/api/v1/nodes/${encodeURIComponent(node)}/proxy${path}`);
    },
    async raw(path) {
      return rawGet(kc, path, o.signal);
    },
    kubectl: (args, opts = {}) => runKubectl(o, args, opts),
    step: (name, fn) => recordStep(o, name, fn, false),
    featureStep: (name, fn) => recordStep(o, name, fn, true),
    cleanup(fn) {
      state.cleanups.push(fn);
    },
    log,
    partial(what: string): void {
      state.partial.push(what);
      log(`not covered here: ${what}`);
    },
    skip(reason: string, kind?: SkipKind): never {
      throw new ScenarioSkip(reason, kind);
    },
    assert,
  };
  return ctx;
}

/**
 * apply, create, get and delete of the scenario's objects: put in the scenario's namespace where
 * their kind is namespaced and none is given, and remembered (what was created is cleaned up and
 * listed in the report).
 */
function objectOps(objects: ObjectClient, namespace: string, state: RunState): Pick<ScenarioContext, 'apply' | 'create' | 'get' | 'delete'> & { resolveRef: (ref: ObjectRef) => Promise<ObjectRef> } {
  const withNamespace = async <T extends k8s.KubernetesObject>(obj: T): Promise<T> => {
    if (obj.metadata?.namespace || !obj.apiVersion || !obj.kind) return obj;
    if (!(await objects.isNamespaced(obj.apiVersion, obj.kind))) return obj;
    return { ...obj, metadata: { ...obj.metadata, namespace } };
  };
  const track = (obj: k8s.KubernetesObject, sent: k8s.KubernetesObject): void => {
    const ref = refOf({ ...obj, apiVersion: obj.apiVersion ?? sent.apiVersion, kind: obj.kind ?? sent.kind });
    if (!state.created.some((r) => r.apiVersion === ref.apiVersion && r.kind === ref.kind && r.name === ref.name && r.namespace === ref.namespace)) state.created.push(ref);
  };
  const header = (ref: ObjectRef) => ({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace ?? undefined } });
  const resolveRef = async (ref: ObjectRef): Promise<ObjectRef> => {
    if (ref.namespace !== undefined) return ref;
    return (await objects.isNamespaced(ref.apiVersion, ref.kind)) ? { ...ref, namespace } : ref;
  };
  return {
    resolveRef,
    async apply(obj) {
      const sent = await withNamespace(obj);
      try {
        const out = await objects.patch(sent, undefined, undefined, 'kindlab', true, k8s.PatchStrategy.ServerSideApply);
        track(out, sent);
        return out as typeof obj;
      } catch (e) {
        throw toApiError(e);
      }
    },
    async create(obj) {
      const sent = await withNamespace(obj);
      try {
        const out = await objects.create(sent, undefined, undefined, 'kindlab');
        track(out, sent);
        return out as typeof obj;
      } catch (e) {
        throw toApiError(e);
      }
    },
    async get<T extends k8s.KubernetesObject>(ref: ObjectRef): Promise<T> {
      try {
        return (await objects.read<k8s.KubernetesObject>(header(await resolveRef(ref)))) as T;
      } catch (e) {
        throw toApiError(e);
      }
    },
    async delete(ref) {
      try {
        await objects.delete(header(await resolveRef(ref)), undefined, undefined, 0, undefined, 'Background');
      } catch (e) {
        const err = toApiError(e);
        if ((err as { code?: number }).code !== 404) throw err;
      }
    },
  };
}

/** kubectl against the scenario's cluster; its exit code is the caller's to judge. */
async function runKubectl(o: ContextOptions, args: string[], opts: { input?: string; env?: Record<string, string> }): Promise<KubectlResult> {
  const r = await o.runner.run(o.kubectl, ['--kubeconfig', o.kubeconfigPath, ...args], { allowFailure: true, input: opts.input, env: opts.env, signal: o.signal, timeoutMs: 120_000 });
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
}

/** Calls check until it returns a value or the time is up; the timeout error says what was last seen. */
async function pollUntil<T>(check: () => Promise<T | undefined | false>, opts: WaitOptions, describeLast: () => string, signal: AbortSignal): Promise<T> {
  const timeoutMs = (opts.timeoutSeconds ?? 60) * 1000;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
      lastError = undefined;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      const what = opts.description ? ` for ${opts.description}` : '';
      const last = lastError ? `last error: ${lastError instanceof Error ? lastError.message : String(lastError)}` : describeLast();
      throw new Error(`timed out after ${opts.timeoutSeconds ?? 60}s waiting${what}\n${redact(last)}`);
    }
    await sleep(opts.intervalMs ?? 500, signal);
  }
}

/** A named step: its outcome and time go into the run state (skipped when it threw a ScenarioSkip). */
async function recordStep<T>(o: Pick<ContextOptions, 'state' | 'hooks'>, name: string, fn: () => Promise<T> | T, assertsFeature: boolean): Promise<T> {
  const started = performance.now();
  const marked = assertsFeature ? { assertsFeature: true } : {};
  o.hooks?.onStep?.(name);
  try {
    const out = await fn();
    o.state.steps.push({ name, status: 'passed', durationMs: performance.now() - started, ...marked });
    return out;
  } catch (e) {
    const skipped = e instanceof ScenarioSkip;
    o.state.steps.push({ name, status: skipped ? 'skipped' : 'failed', durationMs: performance.now() - started, error: redact(e instanceof Error ? e.message : String(e)), ...marked });
    throw e;
  }
}

/** Drops managedFields and other noise from an object shown in a message. */
export function trimObject(obj: unknown): unknown {
  if (!obj || typeof obj !== 'object') return obj;
  const o = obj as { metadata?: Record<string, unknown> };
  if (!o.metadata) return obj;
  const { managedFields: _m, ...metadata } = o.metadata;
  return { ...o, metadata };
}
