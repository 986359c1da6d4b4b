// Pure: what the machine under the nodes offers (host facts) and whether that meets a scenario's
// host requirements. The facts come from `docker info` before a kind cluster is made, or from each
// node's status.nodeInfo on an existing cluster; what neither tells is "unknown", never assumed.
import type { HostRequirements } from '../scenario/types.js';

export interface HostFacts {
  /** Where the facts come from, for messages: 'docker host', 'node kind-worker'. */
  source: string;
  /** 'linux', 'windows'. */
  os?: string;
  /** e.g. '6.18.44-fc-v657'. */
  kernelVersion?: string;
  /** Same form as src/cluster/host-compat.ts. */
  cgroupVersion?: '1' | '2';
  /** The CRI runtime pods run under, e.g. { name: 'containerd', version: '2.3.4' }. */
  runtime?: { name: string; version: string };
}

/** The outcome of checking one kind of need. */
export type NeedCheck = { status: 'ok' } | { status: 'skip'; reason: string } | { status: 'unknown'; reason: string };

/**
 * Facts from `docker info --format '{{json .}}'`. The CRI runtime of kind nodes is the node
 * image's containerd, which docker info does not show: pass it as `nodeRuntime` when known.
 */
export function hostFactsFromDockerInfo(info: unknown, nodeRuntime?: HostFacts['runtime']): HostFacts {
  const o = (info && typeof info === 'object' ? info : {}) as Record<string, unknown>;
  const str = (k: string): string | undefined => (typeof o[k] === 'string' && o[k] !== '' ? (o[k] as string) : undefined);
  const cg = str('CgroupVersion');
  return {
    source: 'docker host',
    os: str('OSType'),
    kernelVersion: str('KernelVersion'),
    cgroupVersion: cg === '1' || cg === '2' ? cg : undefined,
    runtime: nodeRuntime,
  };
}

/** `containerd://2.3.4` → { name: 'containerd', version: '2.3.4' }. */
export function parseRuntimeVersion(containerRuntimeVersion: string | undefined): HostFacts['runtime'] {
  const m = /^([^:]+):\/\/v?(.+)$/.exec(containerRuntimeVersion ?? '');
  return m ? { name: m[1]!, version: m[2]! } : undefined;
}

/**
 * The runtime of a kind node image, from `containerd --version` run in it
 * ('containerd github.com/containerd/containerd/v2 v2.3.4 <commit>').
 */
export function parseContainerdVersion(text: string): HostFacts['runtime'] {
  const m = /^containerd\s+\S+\s+v?(\d+\.\d+\.\d+\S*)/m.exec(text);
  return m ? { name: 'containerd', version: m[1]! } : undefined;
}

/** Facts from a Node's status.nodeInfo (the cgroup version is not in it). */
export function hostFactsFromNodeInfo(node: string, nodeInfo: { operatingSystem?: string; kernelVersion?: string; containerRuntimeVersion?: string } | undefined): HostFacts {
  return {
    source: `node ${node}`,
    os: nodeInfo?.operatingSystem || undefined,
    kernelVersion: nodeInfo?.kernelVersion || undefined,
    runtime: parseRuntimeVersion(nodeInfo?.containerRuntimeVersion),
  };
}

/** Leading numeric parts: '6.1.0-18-amd64' → [6, 1, 0]; '2.0' → [2, 0]. */
function numbers(v: string): number[] {
  const m = /^v?(\d+(?:\.\d+)*)/.exec(v.trim());
  return m ? m[1]!.split('.').map(Number) : [];
}

/** a ≥ b on the leading numeric parts (missing parts count as 0). Undefined if a has none. */
export function versionAtLeast(a: string, b: string): boolean | undefined {
  const x = numbers(a);
  const y = numbers(b);
  if (!x.length) return undefined;
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return true;
}

/** One host against the requirements: the first unmet need, else unknowns, else ok. */
function checkOne(req: HostRequirements, f: HostFacts): NeedCheck {
  const why = req.why ? ` (${req.why})` : '';
  const unknown: string[] = [];
  if (req.kernel) {
    if (f.os && f.os !== 'linux') return { status: 'skip', reason: `needs Linux ≥ ${req.kernel}${why}; the ${f.source} runs ${f.os}` };
    const ok = f.kernelVersion ? versionAtLeast(f.kernelVersion, req.kernel) : undefined;
    if (ok === false) return { status: 'skip', reason: `needs Linux ≥ ${req.kernel}${why}; the ${f.source} runs ${f.kernelVersion}` };
    if (ok === undefined) unknown.push(`kernel ≥ ${req.kernel} (the ${f.source} does not report its kernel)`);
  }
  if (req.cgroup) {
    if (f.cgroupVersion && f.cgroupVersion !== req.cgroup) return { status: 'skip', reason: `needs cgroup v${req.cgroup}${why}; the ${f.source} runs cgroup v${f.cgroupVersion}` };
    if (!f.cgroupVersion) unknown.push(`cgroup v${req.cgroup} (the ${f.source} does not report its cgroup version)`);
  }
  if (req.runtime && Object.keys(req.runtime).length) {
    const accepted = Object.entries(req.runtime)
      .map(([n, v]) => `${n} ≥ ${v}`)
      .join(' or ');
    if (!f.runtime) unknown.push(`${accepted} (the ${f.source} does not report its container runtime)`);
    else {
      const min = req.runtime[f.runtime.name];
      if (min === undefined) return { status: 'skip', reason: `needs ${accepted}${why}; the ${f.source} runs ${f.runtime.name} ${f.runtime.version}` };
      const ok = versionAtLeast(f.runtime.version, min);
      if (ok === false) return { status: 'skip', reason: `needs ${accepted}${why}; the ${f.source} runs ${f.runtime.name} ${f.runtime.version}` };
      if (ok === undefined) unknown.push(`${f.runtime.name} ≥ ${min} (the ${f.source} reports version "${f.runtime.version}")`);
    }
  }
  return unknown.length ? { status: 'unknown', reason: `cannot tell whether the host offers ${unknown.join(', ')}` } : { status: 'ok' };
}

/**
 * Whether the hosts meet the requirements. Every host must (a scenario's pods can land on any
 * node): one that does not is a skip naming it; no facts at all, or facts that do not say, are
 * "unknown".
 */
export function checkHost(req: HostRequirements | undefined, hosts: readonly HostFacts[] | undefined): NeedCheck {
  if (!req || (!req.kernel && !req.cgroup && !(req.runtime && Object.keys(req.runtime).length))) return { status: 'ok' };
  if (!hosts || hosts.length === 0) return { status: 'unknown', reason: 'host requirements not checked: no facts about the host were gathered' };
  const results = hosts.map((h) => checkOne(req, h));
  const skip = results.find((r) => r.status === 'skip');
  if (skip) return skip;
  const unknown = results.filter((r): r is { status: 'unknown'; reason: string } => r.status === 'unknown');
  if (unknown.length) return { status: 'unknown', reason: [...new Set(unknown.map((u) => u.reason))].join('; ') };
  return { status: 'ok' };
}
