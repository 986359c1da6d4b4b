// What a scenario needs to know about the cluster it runs against beyond ctx.cluster: version
// comparisons and the effective state of a feature gate (so one scenario can assert the "on"
// behaviour on one cluster and the "off" behaviour on another).
import { gateDefaultAt, gateNameAt, parseFeatureMetric, type ScenarioContext } from 'kindlab';

/** [major, minor, patch] of the cluster, from ctx.cluster.version ('1.37.2'). */
export function versionTuple(ctx: Pick<ScenarioContext, 'cluster'>): [number, number, number] {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(ctx.cluster.version);
  if (!m) throw new Error(`cannot parse the cluster version ${JSON.stringify(ctx.cluster.version)}`);
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

/** The cluster's minor version, e.g. 37 for 1.37.2. */
export function minor(ctx: Pick<ScenarioContext, 'cluster'>): number {
  return versionTuple(ctx)[1];
}

/** True when the cluster is at least `1.<m>` (optionally `1.<m>.<patch>`). */
export function atLeast(ctx: Pick<ScenarioContext, 'cluster'>, version: string): boolean {
  const want = version.split('.').map(Number);
  const have = versionTuple(ctx);
  for (let i = 0; i < 3; i++) {
    const w = want[i] ?? 0;
    const h = have[i] ?? 0;
    if (h !== w) return h > w;
  }
  return true;
}

export type GateSource = 'cluster profile' | 'kube-apiserver /metrics' | 'default for this version' | 'counter-proof: expected on, the cluster has it off';

export interface GateState {
  enabled: boolean;
  source: GateSource;
  /** The gate's name at the cluster's release, where it differs from the one asked for (a renamed gate). */
  namedAtRelease?: string;
}

const metricsCache = new WeakMap<object, Promise<Map<string, boolean>>>();

/**
 * Feature gates as kube-apiserver reports them in its `kubernetes_feature_enabled` metric
 * (kube-apiserver ≥ 1.26). Gates that are gone from the binary are absent from the map.
 */
export function apiServerGates(ctx: Pick<ScenarioContext, 'raw'>): Promise<Map<string, boolean>> {
  let cached = metricsCache.get(ctx);
  if (!cached) {
    cached = ctx
      .raw('/metrics')
      .then((text) => new Map(Object.entries(parseFeatureMetric(text))))
      .catch(() => new Map<string, boolean>());
    metricsCache.set(ctx, cached);
  }
  return cached;
}

/**
 * Whether the behaviour behind `gate` is on in this cluster. Looks, in order, at what the cluster
 * was created with (ctx.cluster.featureGates), at kube-apiserver's own report, and finally at
 * kindlab's gate table for the version (src/plan/gates.ts: the behaviour, also where the gate is
 * locked or already removed). A gate the table does not know is a bug of the scenario.
 * In a counter-proof run the gate under test is on by decree (ctx.expectFeatureOn): the cluster has
 * it off, and the scenario must fail where it asserts the feature.
 */
export async function gate(ctx: Pick<ScenarioContext, 'cluster' | 'raw' | 'expectFeatureOn'>, asked: string): Promise<GateState> {
  const [, mi, pa] = versionTuple(ctx);
  // a renamed gate is read by the name of the cluster's release (its components know no other)
  const name = gateNameAt(asked, mi);
  const renamed = name === asked ? {} : { namedAtRelease: name };
  if (ctx.expectFeatureOn === name) return { enabled: true, source: 'counter-proof: expected on, the cluster has it off', ...renamed };
  const set = ctx.cluster.featureGates[name];
  if (typeof set === 'boolean') return { enabled: set, source: 'cluster profile', ...renamed };
  const reported = (await apiServerGates(ctx)).get(name);
  if (typeof reported === 'boolean') return { enabled: reported, source: 'kube-apiserver /metrics', ...renamed };
  const enabled = gateDefaultAt(name, mi, pa);
  if (enabled === undefined) throw new Error(`feature gate ${name} is not in kindlab's gate table (src/plan/gates.ts): add it there`);
  return { enabled, source: 'default for this version', ...renamed };
}

/** One line for ctx.log: "Gate X is on (kube-apiserver /metrics)". */
export function describeGate(name: string, state: GateState): string {
  const named = state.namedAtRelease ? ` (${state.namedAtRelease} at this release)` : '';
  return `feature gate ${name}${named} is ${state.enabled ? 'on' : 'off'} (${state.source})`;
}

/** A name that is unique per scenario run, for cluster-scoped objects. */
export function clusterScopedName(ctx: Pick<ScenarioContext, 'namespace'>, suffix: string): string {
  const name = `${ctx.namespace}-${suffix}`.toLowerCase().replace(/[^a-z0-9.-]/g, '-');
  return name.length <= 63 ? name : name.slice(0, 63).replace(/[-.]+$/, '');
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason ?? new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Whether kube-apiserver shares this machine's loopback, so that it can reach a server the
 * scenario runs on 127.0.0.1 (a stand-in kubelet, a test issuer): the `local` provider, or an
 * existing cluster without nodes whose API server is on a loopback address (a local cluster reached
 * through --kubeconfig). A kind API server is on a loopback port too, but inside its node container.
 */
export function apiServerOnThisHost(ctx: Pick<ScenarioContext, 'cluster' | 'kc'>): boolean {
  if (ctx.cluster.apiServerOnHost !== undefined) return ctx.cluster.apiServerOnHost;
  if (ctx.cluster.reconfigurable !== false || ctx.cluster.hasNodes) return false;
  const server = ctx.kc.getCurrentCluster()?.server;
  if (!server) return false;
  const host = new URL(server).hostname.replace(/^\[|\]$/g, '');
  return host === '127.0.0.1' || host === 'localhost' || host === '::1';
}
