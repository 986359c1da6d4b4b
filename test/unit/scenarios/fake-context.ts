// A ScenarioContext with no cluster behind it, for running a scenario's run() against answers the
// test chooses: what kubectl returns, which pods/nodes are listed, what get/waitFor read. Steps run
// their functions; assertions are real (they throw); skip throws a Skip. Anything a test did not
// provide throws, so a scenario cannot pass by calling something unexpected.
import { isDeepStrictEqual } from 'node:util';
import type { ClusterInfo, KubectlResult, ObjectRef, ScenarioContext } from '../../../src/scenario/types.js';

export class Skip extends Error {}

export interface FakeAnswers {
  cluster?: Partial<ClusterInfo>;
  kubectl?: (args: string[]) => KubectlResult | Promise<KubectlResult>;
  /** Called for create/apply; throw to refuse the object (default: accepted as given). */
  create?: (obj: { metadata?: { name?: string } }) => void;
  get?: (ref: ObjectRef) => unknown;
  /** The object waitFor's predicate is applied to (once; no predicate match is a timeout). */
  waitFor?: (ref: ObjectRef) => unknown;
  /** eventually(): how many times to call the check before giving up (default 3). */
  eventuallyTries?: number;
  listNamespacedPod?: (args: { namespace: string; labelSelector?: string }) => unknown;
  listNode?: () => unknown;
  readNamespacedPod?: (args: { name: string; namespace: string }) => unknown;
  logs?: (pod: string, container?: string) => string;
  exec?: (pod: string, container: string | undefined, command: string[]) => KubectlResult;
  kubeletMetrics?: (node: string, path?: string) => string;
  raw?: (path: string) => string;
}

export interface FakeRun {
  ctx: ScenarioContext;
  logs: string[];
  steps: string[];
  kubectlCalls: string[][];
  created: unknown[];
}

const unexpected = (what: string) => (): never => {
  throw new Error(`fake context: ${what} was not expected by this test`);
};

function deepMatch(actual: unknown, expected: unknown): boolean {
  if (expected === null || typeof expected !== 'object') return isDeepStrictEqual(actual, expected);
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return false;
    return expected.every((e) => actual.some((a) => deepMatch(a, e)));
  }
  if (actual === null || typeof actual !== 'object') return false;
  return Object.entries(expected).every(([k, v]) => deepMatch((actual as Record<string, unknown>)[k], v));
}

export function fakeContext(a: FakeAnswers): FakeRun {
  const run: FakeRun = { ctx: undefined as unknown as ScenarioContext, logs: [], steps: [], kubectlCalls: [], created: [] };
  const cluster: ClusterInfo = { gitVersion: 'v1.37.2', version: '1.37.2', provider: 'kind', featureGates: {}, hasNodes: true, ...a.cluster };
  const ctx = {
    namespace: 'kl-test',
    cluster,
    kubeconfigPath: '/nonexistent/kubeconfig',
    signal: new AbortController().signal,
    core: {
      listNamespacedPod: async (args: { namespace: string; labelSelector?: string }) => (a.listNamespacedPod ?? unexpected('core.listNamespacedPod'))(args),
      listNode: async () => (a.listNode ?? unexpected('core.listNode'))(),
      readNamespacedPod: async (args: { name: string; namespace: string }) => (a.readNamespacedPod ?? unexpected('core.readNamespacedPod'))(args),
    },
    async create<T>(obj: T): Promise<T> {
      a.create?.(obj as { metadata?: { name?: string } });
      run.created.push(obj);
      return obj;
    },
    async apply<T>(obj: T): Promise<T> {
      run.created.push(obj);
      return obj;
    },
    async get(ref: ObjectRef) {
      return (a.get ?? unexpected(`get ${ref.kind}/${ref.name}`))(ref);
    },
    async delete() {},
    async waitFor(ref: ObjectRef, predicate: (o: never) => boolean, opts?: { description?: string }) {
      const obj = (a.waitFor ?? unexpected(`waitFor ${ref.kind}/${ref.name}`))(ref);
      if (!predicate(obj as never)) throw new Error(`timed out waiting for ${opts?.description ?? ref.name}`);
      return obj;
    },
    async eventually<T>(check: () => Promise<T | undefined | false>, opts?: { description?: string }) {
      for (let i = 0; i < (a.eventuallyTries ?? 3); i++) {
        const v = await check();
        if (v) return v;
      }
      throw new Error(`timed out waiting for ${opts?.description ?? 'a condition'}`);
    },
    async exec(pod: string, container: string | undefined, command: string[]) {
      return (a.exec ?? unexpected(`exec in ${pod}`))(pod, container, command);
    },
    async logs(pod: string, container?: string) {
      return (a.logs ?? unexpected(`logs of ${pod}`))(pod, container);
    },
    async kubeletMetrics(node: string, path?: string) {
      return (a.kubeletMetrics ?? unexpected(`kubelet metrics of ${node}`))(node, path);
    },
    async raw(path: string) {
      return (a.raw ?? unexpected(`raw ${path}`))(path);
    },
    async kubectl(args: string[]) {
      run.kubectlCalls.push(args);
      return (a.kubectl ?? unexpected(`kubectl ${args.join(' ')}`))(args);
    },
    async step<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
      run.steps.push(name);
      return fn();
    },
    async featureStep<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
      run.steps.push(name);
      return fn();
    },
    cleanup() {},
    log(message: string) {
      run.logs.push(message);
    },
    skip(reason: string): never {
      throw new Skip(reason);
    },
    partial(what: string) {
      run.logs.push(`not covered here: ${what}`);
    },
    assert: {
      ok(value: unknown, message: string) {
        if (!value) throw new Error(`assertion failed: ${message}`);
      },
      equal(actual: unknown, expected: unknown, message?: string) {
        if (!isDeepStrictEqual(actual, expected)) throw new Error(`assertion failed: ${message ?? ''}: ${JSON.stringify(actual)} !== ${JSON.stringify(expected)}`);
      },
      matches(actual: unknown, expected: unknown, message?: string) {
        if (!deepMatch(actual, expected)) throw new Error(`assertion failed: ${message ?? 'matches'}: ${JSON.stringify(actual)}`);
      },
      async rejects(p: Promise<unknown>, pattern?: RegExp, message?: string) {
        try {
          await p;
        } catch (e) {
          if (pattern && !pattern.test(String((e as Error).message))) throw new Error(`rejected, but not with ${pattern}: ${String(e)}`);
          return e as Error;
        }
        throw new Error(`assertion failed: expected a rejection: ${message ?? ''}`);
      },
      includes(haystack: string, needle: string | RegExp, message?: string) {
        const ok = typeof needle === 'string' ? haystack.includes(needle) : needle.test(haystack);
        if (!ok) throw new Error(`assertion failed: ${message ?? ''}: ${JSON.stringify(haystack.slice(0, 200))} lacks ${String(needle)}`);
      },
    },
  };
  run.ctx = ctx as unknown as ScenarioContext;
  return run;
}

export const ok = (stdout = ''): KubectlResult => ({ stdout, stderr: '', exitCode: 0 });
export const failed = (stderr: string, exitCode = 1): KubectlResult => ({ stdout: '', stderr, exitCode });
