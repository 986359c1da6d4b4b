// Pure: a scenario's needs at one Kubernetes version. The scenario's base needs, plus the first
// `perVersion` entry that matches the version (by range, or by the stage of its feature in the
// gate-lifecycle table), plus the feature's gate where it is alpha or beta. Where the feature does
// not exist, or an entry says so, the answer is a skip with the reason.
import semver from 'semver';
import type { Component, FeatureStage, HostRequirements, RequirementEntry, Scenario, ScenarioStage } from '../scenario/types.js';
import { featureAt, gateInfo, gateNameAt, type FeatureState } from './gates.js';
import type { SourceGates } from './feature-specs.js';

export interface RequirementTarget {
  /** e.g. '1.28.0' or 'v1.28.0-rc.1'. */
  version: string;
  /** For messages, e.g. 'v1.28.0 (lab binaries)'; default v<version>. */
  description?: string;
  /** Gates declared at the target commit (a ref). */
  sourceGates?: SourceGates;
}

/** A scenario's needs at one version, flattened (gates not yet filtered by their lifecycle). */
export interface ResolvedRequirements {
  needs: 'api' | 'node';
  featureGates: Record<string, boolean>;
  runtimeConfig: Record<string, string>;
  apiServerFlags: Record<string, string>;
  controllerManagerFlags: Record<string, string>;
  files: Array<{ name: string; content: string }>;
  workers: number;
  kubelet: Record<string, unknown>;
  images: string[];
  host?: HostRequirements;
  apiVersion?: string;
  apiServerReachesHostLoopback?: string;
}

export type Resolution = { ok: true; requirements: ResolvedRequirements; stage: ScenarioStage } | { ok: false; reason: string };

type ScenarioNeeds = Pick<Scenario, 'id' | 'versions' | 'requires' | 'counterProofOf'>;

/** The scenario's feature gate; with `minor`, by the name it has at 1.<minor> (a renamed gate's earlier name). */
export function featureGateOf(s: ScenarioNeeds, minor?: number): { gate: string; components?: Component[] } | undefined {
  const f = s.requires?.feature;
  if (f === undefined) return undefined;
  const named = typeof f === 'string' ? { gate: f } : f;
  return minor === undefined ? named : { ...named, gate: gateNameAt(named.gate, minor) };
}

const stagesOf = (e: RequirementEntry): FeatureStage[] | undefined => (e.stage === undefined ? undefined : Array.isArray(e.stage) ? e.stage : [e.stage]);

const gateValue = (v: boolean | { value: boolean }): boolean => (typeof v === 'boolean' ? v : v.value);

function inRange(version: string, range: string): boolean {
  return semver.satisfies(version, range, { includePrerelease: true });
}

/** The first entry that matches the version and the feature's stage, with its index. */
export function chooseEntry(entries: readonly RequirementEntry[], version: string, feature: FeatureState | undefined): { entry: RequirementEntry; index: number } | undefined {
  for (const [index, entry] of entries.entries()) {
    if (entry.versions !== undefined && !inRange(version, entry.versions)) continue;
    const stages = stagesOf(entry);
    if (stages && !(feature?.exists && stages.includes(feature.stage))) continue;
    return { entry, index };
  }
  return undefined;
}

function describeEntry(e: RequirementEntry): string {
  const when = [e.versions && `Kubernetes ${e.versions}`, stagesOf(e) && `stage ${stagesOf(e)!.join('/')}`].filter(Boolean).join(', ');
  return e.note ?? `the needs for ${when || 'every version'}`;
}

export function resolveRequirements(s: ScenarioNeeds, t: RequirementTarget): Resolution {
  const parsed = semver.coerce(t.version);
  if (!parsed) return { ok: false, reason: `not a Kubernetes version: ${t.version}` };
  const version = parsed.version;
  const { minor, patch } = parsed;
  const description = t.description ?? `v${version}`;
  const req = s.requires ?? {};
  const fg = featureGateOf(s, minor);
  const feature = fg ? featureAt(fg.gate, minor, patch, t.sourceGates) : undefined;

  // A counter-proof where the feature does not exist yet: the scenario's base needs, no gate (an
  // unknown gate would stop the components), whatever its version range says.
  const counter = s.counterProofOf;
  if (counter?.absent) return absentFeatureNeeds(s, version, counter);
  if (s.versions && !inRange(version, s.versions)) {
    const why = feature && !feature.exists ? ` (${feature.reason})` : '';
    return { ok: false, reason: `needs Kubernetes ${s.versions}; the target is ${description}${why}` };
  }
  const chosen = chooseEntry(req.perVersion ?? [], version, feature);
  if (chosen?.entry.skip) return { ok: false, reason: chosen.entry.skip };
  if (feature && !feature.exists) return { ok: false, reason: feature.reason };
  const e: RequirementEntry = chosen?.entry ?? {};

  const featureGates: Record<string, boolean> = {};
  for (const [k, v] of Object.entries({ ...(req.featureGates ?? {}), ...(e.featureGates ?? {}) })) featureGates[k] = gateValue(v);
  const gateSet = Boolean(fg && feature?.exists && feature.stage !== 'ga' && !(fg.gate in featureGates));
  if (fg && gateSet) featureGates[fg.gate] = true;
  // A counter-proof variant: the same needs with the feature's gate off (the scenario is told it is on).
  if (counter) for (const g of [counter.gate, ...(counter.alsoOff ?? [])]) featureGates[g] = false;

  const files = [...(req.files ?? [])];
  for (const f of e.files ?? []) {
    const i = files.findIndex((x) => x.name === f.name);
    if (i >= 0) files[i] = f;
    else files.push(f);
  }
  const requirements: ResolvedRequirements = {
    needs: req.needs ?? 'api',
    featureGates,
    runtimeConfig: { ...(req.runtimeConfig ?? {}), ...(e.runtimeConfig ?? {}) },
    apiServerFlags: { ...(req.apiServerFlags ?? {}), ...(e.apiServerFlags ?? {}) },
    controllerManagerFlags: { ...(req.controllerManagerFlags ?? {}), ...(e.controllerManagerFlags ?? {}) },
    files,
    workers: e.workers ?? req.workers ?? 0,
    kubelet: { ...(req.kubelet ?? {}), ...(e.kubelet ?? {}) },
    images: [...new Set([...(req.images ?? []), ...(e.images ?? [])])],
    host: e.host ?? req.host,
    apiServerReachesHostLoopback: req.apiServerReachesHostLoopback,
    apiVersion: e.apiVersion ?? req.apiVersion,
  };

  const why: string[] = [];
  if (counter) why.push(`counter-proof of ${counter.id}: gate ${counter.gate}=false${counter.alsoOff?.length ? ` (and the gates that depend on it: ${counter.alsoOff.map((g) => `${g}=false`).join(', ')})` : ''}, the scenario expects it on and must fail where it asserts it`);
  else if (fg && feature?.exists) why.push(`${fg.gate} is ${feature.summary} in 1.${minor}: ${gateSet ? `gate ${fg.gate}=true` : 'no gate to set'}`);
  if (chosen) {
    const rc = Object.keys(e.runtimeConfig ?? {});
    why.push(`${describeEntry(e)}${rc.length ? ` (runtime config ${rc.join(', ')})` : ''}`);
  }
  if (requirements.apiVersion) why.push(`API ${requirements.apiVersion}`);
  const stage: ScenarioStage = {
    version,
    ...(fg && feature?.exists
      ? {
          feature: { gate: fg.gate, stage: feature.stage, defaultOn: feature.defaultOn, locked: feature.locked, ...(feature.removed !== undefined ? { removed: feature.removed } : {}) },
          stage: feature.stage,
        }
      : {}),
    ...(requirements.apiVersion ? { apiVersion: requirements.apiVersion } : {}),
    ...(chosen ? { entry: chosen.index } : {}),
    why: why.length ? why.join('; ') : 'the same needs at every version',
  };
  return { ok: true, requirements, stage };
}

function absentFeatureNeeds(s: ScenarioNeeds, version: string, counter: NonNullable<Scenario['counterProofOf']>): Resolution {
  const req = s.requires ?? {};
  const gates: Record<string, boolean> = {};
  for (const [k, v] of Object.entries(req.featureGates ?? {})) gates[k] = gateValue(v);
  const requirements: ResolvedRequirements = {
    needs: req.needs ?? 'api',
    featureGates: gates,
    runtimeConfig: { ...(req.runtimeConfig ?? {}) },
    apiServerFlags: { ...(req.apiServerFlags ?? {}) },
    controllerManagerFlags: { ...(req.controllerManagerFlags ?? {}) },
    files: [...(req.files ?? [])],
    workers: req.workers ?? 0,
    kubelet: { ...(req.kubelet ?? {}) },
    images: [...(req.images ?? [])],
    host: req.host,
    apiServerReachesHostLoopback: req.apiServerReachesHostLoopback,
    apiVersion: req.apiVersion,
  };
  const why = `counter-proof of ${counter.id}: ${counter.absent}; the scenario expects ${counter.gate} on and must fail where it asserts it`;
  return { ok: true, requirements, stage: { version, ...(req.apiVersion ? { apiVersion: req.apiVersion } : {}), why } };
}

/**
 * What the runner gives a scenario as ctx.stage on a cluster of `version`: the planner's choice
 * (undefined where the planner would skip the scenario).
 */
export function stageFor(s: ScenarioNeeds, cluster: { version: string }): ScenarioStage | undefined {
  const r = resolveRequirements(s, { version: cluster.version });
  return r.ok ? r.stage : undefined;
}

/** The needs at `version` (the base needs where the planner would skip), e.g. the images to look for. */
export function requirementsFor(s: ScenarioNeeds, cluster: { version: string }): Pick<ResolvedRequirements, 'images' | 'kubelet' | 'host' | 'workers'> {
  const r = resolveRequirements(s, { version: cluster.version });
  if (r.ok) return r.requirements;
  const req = s.requires ?? {};
  return { images: req.images ?? [], kubelet: req.kubelet ?? {}, host: req.host, workers: req.workers ?? 0 };
}

/** Mistakes in a scenario's declaration itself (for the catalogue tests and `new scenario`). */
export function requirementProblems(s: ScenarioNeeds): string[] {
  const out: string[] = [];
  const req = s.requires ?? {};
  const fg = featureGateOf(s);
  if (s.versions !== undefined && semver.validRange(s.versions) === null) out.push(`versions "${s.versions}" is not a semver range`);
  if (fg && !gateInfo(fg.gate)) out.push(`feature ${fg.gate} is not in kindlab's gate-lifecycle table`);
  if (fg && req.featureGates && fg.gate in req.featureGates) out.push(`${fg.gate} is both the feature and in featureGates; the feature sets it where it is alpha or beta`);
  for (const [i, e] of (req.perVersion ?? []).entries()) {
    if (e.versions !== undefined && semver.validRange(e.versions) === null) out.push(`perVersion[${i}].versions "${e.versions}" is not a semver range`);
    if (e.stage !== undefined && !fg) out.push(`perVersion[${i}] names a stage but the scenario names no feature`);
    if (e.versions === undefined && e.stage === undefined) out.push(`perVersion[${i}] has neither versions nor stage: it would match every version`);
  }
  return out;
}
