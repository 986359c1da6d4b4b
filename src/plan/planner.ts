// Pure planning: selected scenarios + a target → which scenarios apply (each skip with its exact
// reason) and the cluster profiles to create, scenarios with compatible needs sharing a cluster.
import semver from 'semver';
import { emptyProfile, type ClusterProfile } from '../cluster/profile.js';
import type { Scenario } from '../scenario/types.js';
import { gateAt, suggestGate } from './gates.js';

export type PlanProvider = 'kind' | 'local' | 'existing';

export interface PlanTarget {
  /** Kubernetes version the clusters will run, e.g. '1.37.2' (no leading v). */
  version: string;
  /** How the version was learned, for messages: 'v1.37.2 (lab binaries)', 'kindlab/node:…'. */
  description: string;
  /** Gates that exist at the target commit, read from its source (overrides the table). */
  sourceGates?: Set<string>;
  /** An existing cluster: gates cannot be changed, only checked. */
  existing?: { featureGates: Record<string, boolean>; hasNodes: boolean };
  /** Which providers can create clusters here, with the reason when one cannot. */
  providers: { local: true | string; kind: true | string };
  /** Force every cluster onto one provider. */
  forceProvider?: 'local' | 'kind';
}

export interface PlannedCluster {
  name: string;
  provider: PlanProvider;
  profile: ClusterProfile;
  scenarios: string[];
}

export interface PlanSkip {
  id: string;
  reason: string;
}

export interface Plan {
  target: PlanTarget;
  clusters: PlannedCluster[];
  skips: PlanSkip[];
  /** Informational: gates dropped because they are locked on, gates not in kindlab's table. */
  notes: string[];
}

interface Needs {
  profile: ClusterProfile;
  provider: PlanProvider;
}

type Decision = { ok: true; needs: Needs; notes: string[] } | { ok: false; reason: string };

function parseVersion(v: string): { minor: number; patch: number } {
  const p = semver.coerce(v);
  if (!p) throw new Error(`not a Kubernetes version: ${v}`);
  return { minor: p.minor, patch: p.patch };
}

function gateValue(v: boolean | { value: boolean }): boolean {
  return typeof v === 'boolean' ? v : v.value;
}

export function decide(s: Scenario, target: PlanTarget): Decision {
  const notes: string[] = [];
  const version = semver.coerce(target.version)?.version ?? target.version;
  if (s.versions && !semver.satisfies(version, s.versions, { includePrerelease: true })) {
    return { ok: false, reason: `needs Kubernetes ${s.versions}; the target is ${target.description}` };
  }
  const req = s.requires ?? {};
  const { minor, patch } = parseVersion(version);
  const profile = emptyProfile();
  for (const [name, raw] of Object.entries(req.featureGates ?? {})) {
    const want = gateValue(raw);
    if (target.sourceGates) {
      if (!target.sourceGates.has(name)) {
        const hint = suggestGate(name, target.sourceGates);
        return { ok: false, reason: `feature gate ${name} does not exist at the target commit${hint.length ? ` (did you mean ${hint.join(' or ')}?)` : ''}` };
      }
      profile.featureGates[name] = want;
      continue;
    }
    const st = gateAt(name, minor, patch);
    if (!st.known) {
      const hint = suggestGate(name);
      if (hint.length) return { ok: false, reason: `unknown feature gate ${name} (did you mean ${hint.join(' or ')}?)` };
      notes.push(`${s.id}: feature gate ${name} is not in kindlab's lifecycle table; set as requested`);
      profile.featureGates[name] = want;
      continue;
    }
    if (!st.exists) {
      if (st.behaviour === want) {
        notes.push(`${s.id}: ${st.reason}; not set`);
        continue;
      }
      return { ok: false, reason: st.behaviour !== undefined ? `needs ${name}=${want}, but ${st.reason}` : st.reason };
    }
    if (st.locked) {
      if (!want) return { ok: false, reason: `needs ${name}=false, but ${name} is GA and locked on in 1.${minor}` };
      notes.push(`${s.id}: ${name} is GA and locked on in 1.${minor}; not set`);
      continue;
    }
    profile.featureGates[name] = want;
  }
  profile.runtimeConfig = { ...(req.runtimeConfig ?? {}) };
  profile.apiServerExtraArgs = { ...(req.apiServerFlags ?? {}) };
  profile.controllerManagerExtraArgs = { ...(req.controllerManagerFlags ?? {}) };
  profile.files = [...(req.files ?? [])];
  profile.workers = req.workers ?? 0;
  profile.needsNodes = req.needs === 'node';
  profile.kubelet = { ...(req.kubelet ?? {}) };
  profile.images = [...(req.images ?? [])];

  if (target.existing) {
    for (const [name, want] of Object.entries(profile.featureGates)) {
      const have = target.existing.featureGates[name] ?? (() => {
        const st = gateAt(name, minor, patch);
        return st.known ? (st.exists ? st.default : st.behaviour) : undefined;
      })();
      if (have !== undefined && have !== want) {
        return { ok: false, reason: `needs feature gate ${name}=${want}; the cluster has it ${have ? 'on' : 'off'} (existing clusters cannot be reconfigured)` };
      }
    }
    if (profile.needsNodes && !target.existing.hasNodes) return { ok: false, reason: 'needs running pods, and the cluster has no ready nodes' };
    return { ok: true, needs: { profile, provider: 'existing' }, notes };
  }

  const usable = (p: 'local' | 'kind'): boolean => target.providers[p] === true;
  if (profile.needsNodes) {
    if (target.forceProvider === 'local') return { ok: false, reason: 'needs running pods (a kubelet); --provider local runs no nodes' };
    if (!usable('kind')) return { ok: false, reason: `needs running pods (a kubelet), and kind cannot run here: ${String(target.providers.kind)}` };
    return { ok: true, needs: { profile, provider: 'kind' }, notes };
  }
  if (target.forceProvider) {
    if (!usable(target.forceProvider)) return { ok: false, reason: `--provider ${target.forceProvider} cannot run here: ${String(target.providers[target.forceProvider])}` };
    return { ok: true, needs: { profile, provider: target.forceProvider }, notes };
  }
  if (usable('local')) return { ok: true, needs: { profile, provider: 'local' }, notes };
  if (usable('kind')) return { ok: true, needs: { profile, provider: 'kind' }, notes };
  return { ok: false, reason: `no provider can run it here: local: ${String(target.providers.local)}; kind: ${String(target.providers.kind)}` };
}

/** Whether two profiles can share a cluster; if so, the merged profile. */
export function mergeProfiles(a: ClusterProfile, b: ClusterProfile): ClusterProfile | undefined {
  const mergeMap = <V>(x: Record<string, V>, y: Record<string, V>): Record<string, V> | undefined => {
    for (const k of Object.keys(y)) if (k in x && x[k] !== y[k]) return undefined;
    return { ...x, ...y };
  };
  const featureGates = mergeMap(a.featureGates, b.featureGates);
  const runtimeConfig = mergeMap(a.runtimeConfig, b.runtimeConfig);
  const apiServerExtraArgs = mergeMap(a.apiServerExtraArgs, b.apiServerExtraArgs);
  const controllerManagerExtraArgs = mergeMap(a.controllerManagerExtraArgs, b.controllerManagerExtraArgs);
  if (!featureGates || !runtimeConfig || !apiServerExtraArgs || !controllerManagerExtraArgs) return undefined;
  const kubelet: Record<string, unknown> = { ...(a.kubelet ?? {}) };
  for (const [k, v] of Object.entries(b.kubelet ?? {})) {
    if (k in kubelet && JSON.stringify(kubelet[k]) !== JSON.stringify(v)) return undefined;
    kubelet[k] = v;
  }
  const files = [...a.files];
  for (const f of b.files) {
    const same = files.find((x) => x.name === f.name);
    if (same && same.content !== f.content) return undefined;
    if (!same) files.push(f);
  }
  return {
    featureGates,
    runtimeConfig,
    apiServerExtraArgs,
    controllerManagerExtraArgs,
    files,
    workers: Math.max(a.workers, b.workers),
    needsNodes: a.needsNodes || b.needsNodes,
    kubelet,
    images: [...new Set([...(a.images ?? []), ...(b.images ?? [])])].sort(),
  };
}

export function plan(scenarios: readonly Scenario[], target: PlanTarget, namePrefix = 'kindlab'): Plan {
  const clusters: PlannedCluster[] = [];
  const skips: PlanSkip[] = [];
  const notes: string[] = [];
  for (const s of scenarios) {
    const d = decide(s, target);
    if (!d.ok) {
      skips.push({ id: s.id, reason: d.reason });
      continue;
    }
    notes.push(...d.notes);
    let placed = false;
    for (const c of clusters) {
      if (c.provider !== d.needs.provider) continue;
      const merged = mergeProfiles(c.profile, d.needs.profile);
      if (merged) {
        c.profile = merged;
        c.scenarios.push(s.id);
        placed = true;
        break;
      }
    }
    if (!placed) {
      clusters.push({
        name: d.needs.provider === 'existing' ? 'existing' : `${namePrefix}-${clusters.length + 1}`,
        provider: d.needs.provider,
        profile: d.needs.profile,
        scenarios: [s.id],
      });
    }
  }
  return { target, clusters, skips, notes };
}
