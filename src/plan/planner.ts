// Pure planning: selected scenarios + a target → which scenarios apply (each skip with its exact
// reason), the needs each gets at the target version (its stage, and why), and the cluster
// profiles to create, scenarios with compatible needs sharing a cluster.
import { emptyProfile, type ClusterProfile } from '../cluster/profile.js';
import type { Scenario, ScenarioStage, SkipKind } from '../scenario/types.js';
import { checkKubelet, checkNodeHosts, checkServedApis, checkWorkers, type NodeFacts } from './existing.js';
import { gateAt, suggestGate } from './gates.js';
import { specAt, type SourceGates } from './feature-specs.js';
import { checkHost, type HostFacts, type NeedCheck } from './host.js';
import { featureGateOf, resolveRequirements } from './requirements.js';
import { REAL_PROVIDERS } from '../cluster/providers.js';
import type { ProviderCapabilities } from '../cluster/capabilities.js';

/** A provider's name (src/cluster/providers.ts), or an existing cluster. */
export type PlanProvider = string;

export interface PlanTarget {
  /** Kubernetes version the clusters will run, e.g. '1.37.2' (no leading v). */
  version: string;
  /** How the version was learned, for messages: 'v1.37.2 (lab binaries)', 'kindlab/node:…'. */
  description: string;
  /** Gates that exist at the target commit, read from its source (overrides the table). */
  sourceGates?: SourceGates;
  /**
   * An existing cluster: gates cannot be changed, only checked. `nodes` (readiness, role,
   * nodeInfo, configz) lets kubelet configuration, worker count and host needs be checked;
   * without it they are reported as unknown.
   */
  existing?: {
    featureGates: Record<string, boolean>;
    hasNodes: boolean;
    nodes?: NodeFacts[];
    /** Group/versions the cluster serves (discovery: 'v1', 'admissionregistration.k8s.io/v1beta1'). */
    servedApis?: string[];
  };
  /** The machine kind nodes would run on (docker info): host needs are checked before creating. */
  host?: HostFacts;
  /**
   * Which providers can create clusters here (by name), with the reason when one cannot. What
   * each can run comes from its declared capabilities; a provider left out is not considered.
   */
  providers: Record<string, true | string>;
  /**
   * What each provider can do, by name, cheapest first (the run's registry, AppEnv.providers);
   * kindlab's real providers when not given.
   */
  capabilities?: Record<string, ProviderCapabilities>;
  /** Force every cluster onto one provider. */
  forceProvider?: string;
}

/** What the planner chose for one scenario at the target version. */
export interface PlannedNeeds {
  /** The feature's stage, the API version, and why (ctx.stage). */
  stage: ScenarioStage;
  /** Needs that could not be checked (host facts, configz): the run reports them, it does not assume them. */
  unknown: string[];
}

export interface PlannedCluster {
  name: string;
  provider: PlanProvider;
  profile: ClusterProfile;
  scenarios: string[];
  /** Per scenario id: the needs chosen for it. */
  chosen: Record<string, PlannedNeeds>;
}

export interface PlanSkip {
  id: string;
  reason: string;
  /** verdict: the feature does not apply at the target; environment: it cannot run here. */
  kind: SkipKind;
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

export type Decision = { ok: true; needs: Needs; notes: string[]; stage: ScenarioStage; unknown: string[] } | { ok: false; reason: string; kind: SkipKind };

const verdictSkip = (reason: string): Decision => ({ ok: false, reason, kind: 'verdict' });
const environmentSkip = (reason: string): Decision => ({ ok: false, reason, kind: 'environment' });

export function decide(s: Scenario, target: PlanTarget): Decision {
  const notes: string[] = [];
  const resolved = resolveRequirements(s, { version: target.version, description: target.description, sourceGates: target.sourceGates });
  if (!resolved.ok) return verdictSkip(resolved.reason);
  const req = resolved.requirements;
  const [minor, patch] = resolved.stage.version.split('.').slice(1).map(Number) as [number, number];
  const profile = emptyProfile();
  const gates = gatesAt(s, req.featureGates, target, minor, patch, notes);
  if ('skip' in gates) return gates.skip;
  profile.featureGates = gates.set;
  const fg = featureGateOf(s, minor);
  if (fg && !s.counterProofOf && !(fg.gate in profile.featureGates)) profile.gatesAtDefault = [fg.gate];
  profile.runtimeConfig = { ...req.runtimeConfig };
  profile.apiServerExtraArgs = { ...req.apiServerFlags };
  profile.controllerManagerExtraArgs = { ...req.controllerManagerFlags };
  profile.files = [...req.files];
  profile.workers = req.workers;
  profile.needsNodes = req.needs === 'node';
  profile.kubelet = { ...req.kubelet };
  profile.images = [...req.images];

  // Needs kindlab cannot configure are checked where the facts allow; a skip stops here, an
  // unknown travels with the scenario into the run.
  const unknown: string[] = [];
  const verdict = (checks: NeedCheck[]): string | undefined => {
    for (const c of checks) {
      if (c.status === 'skip') return c.reason;
      if (c.status === 'unknown') unknown.push(c.reason);
    }
    return undefined;
  };
  const ok = (provider: PlanProvider): Decision => ({ ok: true, needs: { profile, provider }, notes, stage: resolved.stage, unknown });

  if (target.existing) return onExisting(target.existing, profile, req.host, minor, patch, verdict, ok);
  return choose(profile.needsNodes, req.apiServerReachesHostLoopback, target, verdict, req.host, ok, Boolean(s.requires?.nodePart));
}

/**
 * The feature gates a scenario's requirements set at the target: from the target's source when it
 * was read, else kindlab's table. A gate that cannot be set as needed is a verdict skip; a gate
 * locked at the wanted value, or gone with the feature always on, is left unset with a note.
 */
function gatesAt(s: Scenario, wanted: Record<string, boolean>, target: PlanTarget, minor: number, patch: number, notes: string[]): { set: Record<string, boolean> } | { skip: Decision } {
  const gates: Record<string, boolean> = {};
  const skipWith = (reason: string): { skip: Decision } => ({ skip: verdictSkip(reason) });
  for (const [name, want] of Object.entries(wanted)) {
    if (target.sourceGates) {
      const specs = target.sourceGates.get(name);
      if (!specs) {
        // The source forgets a gate once it is removed; the table remembers the ones that went GA
        // first, whose feature is simply always on (LegacyServiceAccountTokenTracking after 1.30).
        const gone = gateAt(name, minor, patch);
        if (gone.known && !gone.exists && gone.behaviour === want) {
          notes.push(`${s.id}: ${gone.reason}; not set`);
          continue;
        }
        if (gone.known && !gone.exists && gone.behaviour !== undefined) return skipWith(`needs ${name}=${want}, but ${gone.reason}`);
        const hint = suggestGate(name, target.sourceGates.keys());
        return skipWith(`feature gate ${name} does not exist at the target${hint.length ? ` (did you mean ${hint.join(' or ')}?)` : ''}`);
      }
      const at = specAt(specs, minor);
      if (!at) return skipWith(`feature gate ${name} does not exist yet in 1.${minor} (the target's source has it from 1.${specs[0]?.since})`);
      if (at.locked) {
        if (want !== at.default) return skipWith(`needs ${name}=${want}, but ${name} is locked ${at.default ? 'on' : 'off'} in 1.${minor} (${at.stage})`);
        notes.push(`${s.id}: ${name} is locked ${at.default ? 'on' : 'off'} in 1.${minor}; not set`);
        continue;
      }
      gates[name] = want;
      continue;
    }
    const st = gateAt(name, minor, patch);
    if (!st.known) {
      const hint = suggestGate(name);
      if (hint.length) return skipWith(`unknown feature gate ${name} (did you mean ${hint.join(' or ')}?); kindlab's table does not know it and the target's source was not read (a ref, or a release in the Go module cache: npm run lab -- --k8s-version v1.${minor}.${patch})`);
      notes.push(`${s.id}: feature gate ${name} is not in kindlab's lifecycle table; set as requested`);
      gates[name] = want;
      continue;
    }
    if (!st.exists) {
      if (st.behaviour === want) {
        notes.push(`${s.id}: ${st.reason}; not set`);
        continue;
      }
      return skipWith(st.behaviour !== undefined ? `needs ${name}=${want}, but ${st.reason}` : st.reason);
    }
    if (st.locked) {
      if (!want) return skipWith(`needs ${name}=false, but ${name} is GA and locked on in 1.${minor}`);
      notes.push(`${s.id}: ${name} is GA and locked on in 1.${minor}; not set`);
      continue;
    }
    gates[name] = want;
  }
  return { set: gates };
}

/** An existing cluster cannot be reconfigured: its gates, nodes, APIs and kubelets are checked, never set. */
function onExisting(existing: NonNullable<PlanTarget['existing']>, profile: ClusterProfile, host: Parameters<typeof checkNodeHosts>[0], minor: number, patch: number, verdict: (checks: NeedCheck[]) => string | undefined, ok: (provider: PlanProvider) => Decision): Decision {
  for (const [name, want] of Object.entries(profile.featureGates)) {
    const have = existing.featureGates[name] ?? (() => {
      const st = gateAt(name, minor, patch);
      return st.known ? (st.exists ? st.default : st.behaviour) : undefined;
    })();
    if (have !== undefined && have !== want) {
      return environmentSkip(`needs feature gate ${name}=${want}; the cluster has it ${have ? 'on' : 'off'} (existing clusters cannot be reconfigured)`);
    }
  }
  if (profile.needsNodes && !existing.hasNodes) return environmentSkip('needs running pods, and the cluster has no ready nodes');
  const nodes = existing.nodes;
  const skip = verdict([
    checkServedApis(profile.runtimeConfig, existing.servedApis),
    checkWorkers(profile.workers, nodes),
    checkNodeHosts(host, nodes),
    checkKubelet(profile.kubelet, nodes),
  ]);
  if (skip) return environmentSkip(skip);
  return ok(REAL_PROVIDERS.existing.name);
}

/** Which provider runs a scenario: one whose capabilities fit its needs, cheapest first. */
function choose(
  needsNodes: boolean,
  loopback: string | undefined,
  target: PlanTarget,
  verdict: (checks: NeedCheck[]) => string | undefined,
  host: Parameters<typeof checkHost>[0],
  ok: (provider: PlanProvider) => Decision,
  /** An API scenario with a node part: nodes where a provider with nodes can run here, else its API part (a partial pass). */
  wantsNodes = false,
): Decision {
  const caps = target.capabilities ?? REAL_PROVIDERS.capabilities();
  const capabilitiesOf = (n: string): ProviderCapabilities => caps[n]!;
  const considered = Object.keys(caps).filter((n) => n in target.providers);
  const usable = (n: string): boolean => target.providers[n] === true;
  const why = (n: string): string => String(target.providers[n]);
  const fitting = (pred: (c: ProviderCapabilities) => boolean): string[] => considered.filter((n) => pred(capabilitiesOf(n)));
  const forced = target.forceProvider;
  const pick = (fit: string[], need: string, forcedMiss: string): Decision => {
    if (forced) {
      if (!fit.includes(forced)) return environmentSkip(forcedMiss);
      if (!usable(forced)) return environmentSkip(`${need}, and ${forced} cannot run here: ${why(forced)}`);
      return ok(forced);
    }
    const first = fit.find(usable);
    if (first) return ok(first);
    return environmentSkip(`${need}, and ${fit.length ? fit.map((n) => `${n} cannot run here: ${why(n)}`).join('; ') : 'no provider can do that'}`);
  };
  if (needsNodes) {
    // Before the cluster is made: the machine its nodes would run on.
    const skip = verdict([checkHost(host, target.host ? [target.host] : undefined)]);
    const d = pick(fitting((c) => c.nodes), 'needs running pods (a kubelet)', `needs running pods (a kubelet); --provider ${forced} runs no nodes`);
    if (d.ok && skip) return environmentSkip(skip);
    return d;
  }
  if (loopback) {
    const need = `needs an API server that reaches this machine's loopback (${loopback})`;
    const where = considered.filter((n) => !capabilitiesOf(n).apiServerOnHost);
    const because = where.length ? `; ${where.join(', ')} run${where.length === 1 ? 's' : ''} kube-apiserver inside a node container` : '';
    return pick(fitting((c) => c.apiServerOnHost), `${need}${because}`, `${need}${because}, and --provider ${forced} was asked for`);
  }
  if (forced) {
    if (!usable(forced)) return environmentSkip(`--provider ${forced} cannot run here: ${why(forced)}`);
    return ok(forced);
  }
  // Cost alone would put it where its node part cannot run, and its pass would cover less.
  const withNodes = wantsNodes ? fitting((c) => c.nodes).find(usable) : undefined;
  if (withNodes) return ok(withNodes);
  const first = considered.find(usable);
  if (first) return ok(first);
  return environmentSkip(`no provider can run it here: ${considered.map((n) => `${n}: ${why(n)}`).join('; ')}`);
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
  const switchedOff = (p: ClusterProfile, gates: readonly string[] | undefined) => (gates ?? []).some((g) => p.featureGates[g] === false);
  if (switchedOff(a, b.gatesAtDefault) || switchedOff(b, a.gatesAtDefault)) return undefined;
  const gatesAtDefault = [...new Set([...(a.gatesAtDefault ?? []), ...(b.gatesAtDefault ?? [])])].sort();
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
    ...(gatesAtDefault.length ? { gatesAtDefault } : {}),
  };
}

export function plan(scenarios: readonly Scenario[], target: PlanTarget, namePrefix = 'kindlab'): Plan {
  const clusters: PlannedCluster[] = [];
  const skips: PlanSkip[] = [];
  const notes: string[] = [];
  for (const s of scenarios) {
    const d = decide(s, target);
    if (!d.ok) {
      skips.push({ id: s.id, reason: d.reason, kind: d.kind });
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
        c.chosen[s.id] = { stage: d.stage, unknown: d.unknown };
        placed = true;
        break;
      }
    }
    if (!placed) {
      clusters.push({
        name: target.existing ? 'existing' : `${namePrefix}-${clusters.length + 1}`,
        provider: d.needs.provider,
        profile: d.needs.profile,
        scenarios: [s.id],
        chosen: { [s.id]: { stage: d.stage, unknown: d.unknown } },
      });
    }
  }
  return { target, clusters, skips, notes };
}
