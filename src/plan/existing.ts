// Pure: needs that cannot be configured on an existing cluster, checked against what its API
// shows — each node's kubelet configuration (GET /api/v1/nodes/<n>/proxy/configz), its
// status.nodeInfo, its readiness and role. What could not be read is "unknown", never assumed.
import { checkHost, hostFactsFromNodeInfo, type NeedCheck } from './host.js';
import type { HostRequirements } from '../scenario/types.js';

export interface NodeFacts {
  name: string;
  ready: boolean;
  /** Labelled node-role.kubernetes.io/control-plane. */
  controlPlane: boolean;
  nodeInfo?: { operatingSystem?: string; kernelVersion?: string; containerRuntimeVersion?: string; kubeletVersion?: string };
  /** The configz answer (JSON text or parsed): { kubeletconfig: {...} }. */
  configz?: unknown;
  /** Why configz could not be read (RBAC on nodes/proxy, kubelet unreachable, no kubelet). */
  configzError?: string;
}

/** The KubeletConfiguration a configz answer holds, if it holds one. */
export function kubeletConfigFromConfigz(configz: unknown): Record<string, unknown> | undefined {
  let v = configz;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return undefined;
    }
  }
  const kc = v && typeof v === 'object' ? (v as Record<string, unknown>).kubeletconfig : undefined;
  return kc && typeof kc === 'object' && !Array.isArray(kc) ? (kc as Record<string, unknown>) : undefined;
}

const isZero = (v: unknown): boolean => v === false || v === 0 || v === '' || v === null || (Array.isArray(v) && v.length === 0);

/** `want` holds in `have`: objects may name a subset of the fields; an absent field is its zero value. */
function holds(want: unknown, have: unknown): boolean {
  if (have === undefined) return isZero(want);
  if (Array.isArray(want)) return Array.isArray(have) && want.length === have.length && want.every((w, i) => holds(w, have[i]));
  if (want && typeof want === 'object') {
    return !!have && typeof have === 'object' && !Array.isArray(have) && Object.entries(want).every(([k, w]) => holds(w, (have as Record<string, unknown>)[k]));
  }
  return want === have;
}

/**
 * Whether every ready node's kubelet runs with the wanted KubeletConfiguration fields. configz
 * omits fields at their zero value (omitempty), so an absent field matches a wanted false/0/"".
 * A node that differs: skip, naming node, field and value. Nodes whose configz could not be read:
 * unknown, naming them and why.
 */
export function checkKubelet(want: Record<string, unknown> | undefined, nodes: readonly NodeFacts[] | undefined): NeedCheck {
  const fields = Object.entries(want ?? {});
  if (fields.length === 0) return { status: 'ok' };
  const wanted = fields.map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', ');
  if (!nodes) return { status: 'unknown', reason: `kubelet configuration (${wanted}) not checked: the nodes were not read` };
  const ready = nodes.filter((n) => n.ready);
  if (ready.length === 0) return { status: 'unknown', reason: `kubelet configuration (${wanted}) not checked: no ready node` };
  const unreadable: string[] = [];
  for (const n of ready) {
    const kc = kubeletConfigFromConfigz(n.configz);
    if (!kc) {
      unreadable.push(`${n.name}${n.configzError ? ` (${n.configzError})` : ''}`);
      continue;
    }
    for (const [k, v] of fields) {
      const have = kc[k];
      if (!holds(v, have)) {
        return {
          status: 'skip',
          reason: `needs the kubelet's ${k}: ${JSON.stringify(v)}; node ${n.name} runs with ${have === undefined ? 'it unset' : `${k}: ${JSON.stringify(have)}`} (existing clusters cannot be reconfigured)`,
        };
      }
    }
  }
  if (unreadable.length) return { status: 'unknown', reason: `kubelet configuration (${wanted}) not checked on ${unreadable.join(', ')}: configz not readable` };
  return { status: 'ok' };
}

/** Enough ready worker (non-control-plane) nodes. */
export function checkWorkers(workers: number | undefined, nodes: readonly NodeFacts[] | undefined): NeedCheck {
  if (!workers) return { status: 'ok' };
  if (!nodes) return { status: 'unknown', reason: `needs ${workers} worker node(s); the nodes were not read` };
  const have = nodes.filter((n) => n.ready && !n.controlPlane).length;
  return have >= workers ? { status: 'ok' } : { status: 'skip', reason: `needs ${workers} ready worker node(s); the cluster has ${have}` };
}

/** Host requirements against every ready node's nodeInfo (the cgroup version stays unknown). */
export function checkNodeHosts(req: HostRequirements | undefined, nodes: readonly NodeFacts[] | undefined): NeedCheck {
  const ready = nodes?.filter((n) => n.ready && n.nodeInfo);
  return checkHost(req, ready?.map((n) => hostFactsFromNodeInfo(n.name, n.nodeInfo)));
}

/**
 * The runtime config a scenario needs, against the group/versions the cluster serves (its
 * discovery: /api → 'v1', /apis → 'group/version'). Keys like api/all cannot be checked.
 */
export function checkServedApis(runtimeConfig: Record<string, string> | undefined, served: readonly string[] | undefined): NeedCheck {
  const wanted = Object.entries(runtimeConfig ?? {})
    .filter(([k, v]) => v === 'true' && !k.startsWith('api/'))
    .map(([k]) => k.split('/').slice(0, 2).join('/'));
  if (wanted.length === 0) return { status: 'ok' };
  if (!served) return { status: 'unknown', reason: `runtime config ${wanted.join(', ')} not checked: the served API versions were not read` };
  const missing = wanted.filter((gv) => !served.includes(gv));
  if (missing.length) {
    return { status: 'skip', reason: `needs ${missing.join(', ')} served (--runtime-config ${missing.map((m) => `${m}=true`).join(',')}); the cluster does not serve ${missing.length > 1 ? 'them' : 'it'} (existing clusters cannot be reconfigured)` };
  }
  return { status: 'ok' };
}

/** A Node object (as listNode returns it) with its configz answer, as NodeFacts. */
export function nodeFactsFromNode(
  node: { metadata?: { name?: string; labels?: Record<string, string> }; status?: { conditions?: Array<{ type: string; status: string }>; nodeInfo?: NodeFacts['nodeInfo'] } },
  configz?: { body?: unknown; error?: string },
): NodeFacts {
  return {
    name: node.metadata?.name ?? '',
    ready: Boolean(node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')),
    controlPlane: 'node-role.kubernetes.io/control-plane' in (node.metadata?.labels ?? {}),
    nodeInfo: node.status?.nodeInfo,
    ...(configz?.body !== undefined ? { configz: configz.body } : {}),
    ...(configz?.error !== undefined ? { configzError: configz.error } : {}),
  };
}

/** Group/versions a cluster serves, from its discovery documents: GET /api and GET /apis. */
export function servedApisFromDiscovery(api: unknown, apis: unknown): string[] {
  const core = (api as { versions?: unknown })?.versions;
  const groups = (apis as { groups?: Array<{ versions?: Array<{ groupVersion?: string }> }> })?.groups;
  return [
    ...(Array.isArray(core) ? core.filter((v): v is string => typeof v === 'string') : []),
    ...(Array.isArray(groups) ? groups.flatMap((g) => (g.versions ?? []).map((v) => v.groupVersion).filter((v): v is string => typeof v === 'string')) : []),
  ];
}
