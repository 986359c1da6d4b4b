// Pure: which scenarios of a run can be counter-proved at its target, and how. A counter-proof is
// mutation testing with the feature gate as the mutation: the scenario runs again on a cluster
// with its feature off, told that the feature is on (ctx.expectFeatureOn), and must fail in a step
// it marks as asserting the feature. The feature is off at the target where its gate can be
// switched off (alpha, beta or deprecated, or GA but not yet locked: the variant sets it false),
// or where it does not exist yet (an older release: the variant runs the scenario's base needs,
// whatever its version range). Everything else gets the reason it is not counter-proved here.
import semver from 'semver';
import { featureAt } from '../plan/gates.js';
import { featureGateOf, resolveRequirements, type RequirementTarget } from '../plan/requirements.js';
import type { Scenario, ScenarioRequirements, VersionedRequirements } from '../scenario/types.js';

export const COUNTER_PROOF_PREFIX = 'counter-proof:';

/** The id of a scenario's counter-proof variant (it shows in plans and progress). */
export const counterProofId = (id: string): string => `${COUNTER_PROOF_PREFIX}${id}`;

export interface CounterProofPlan {
  /** One variant per scenario that can be counter-proved here. */
  variants: Scenario[];
  /** Why each other scenario is not, by id. */
  notPossible: Record<string, string>;
}

export function counterProofPlan(scenarios: readonly Scenario[], target: RequirementTarget): CounterProofPlan {
  const variants: Scenario[] = [];
  const notPossible: Record<string, string> = {};
  for (const s of scenarios) {
    if (s.counterProofOf) continue;
    const r = counterProofOf(s, target);
    if ('why' in r) notPossible[s.id] = r.why;
    else variants.push(r.variant);
  }
  return { variants, notPossible };
}

export function counterProofOf(s: Scenario, target: RequirementTarget): { variant: Scenario } | { why: string } {
  const version = target.description ?? `v${target.version.replace(/^v/, '')}`;
  if (s.counterProof?.notPossible) return { why: s.counterProof.notPossible };
  const v = semver.coerce(target.version);
  // the gate by the name the target's components know (a renamed gate's earlier name)
  const fg = featureGateOf(s, v?.minor);
  if (!fg) {
    const gates = Object.keys(s.requires?.featureGates ?? {});
    return { why: gates.length > 1 ? `it needs several gates (${gates.join(', ')}); a counter-proof switches off one feature` : `no feature gate names its feature: nothing switches it off at ${version} (an older release where it did not exist could)` };
  }
  const state = v ? featureAt(fg.gate, v.minor, v.patch, target.sourceGates) : undefined;
  const featureFlags = s.counterProof?.featureFlags ?? [];
  const variant = (absent?: string): { variant: Scenario } => ({
    variant: {
      ...s,
      id: counterProofId(s.id),
      title: `${s.title} — counter-proof: ${absent ? `${fg.gate} absent` : `${fg.gate}=false`}`,
      ...(featureFlags.length && s.requires ? { requires: withoutFlags(s.requires, featureFlags) } : {}),
      counterProofOf: { id: s.id, gate: fg.gate, ...(absent ? { absent } : {}) },
    },
  });
  if (state && !state.exists && state.notYet) {
    // Flags a release that predates the feature does not know would stop its components from starting.
    const flags = [...Object.keys(s.requires?.apiServerFlags ?? {}), ...Object.keys(s.requires?.controllerManagerFlags ?? {})].filter((f) => !featureFlags.includes(f));
    if (flags.length) return { why: `${state.reason}, and the scenario's needs include flags (--${flags.join(', --')}) that such a release does not know: its components would not start` };
    return variant(state.reason);
  }
  const r = resolveRequirements(s, target);
  if (!r.ok) return { why: `it does not run at ${version}: ${r.reason}` };
  const f = r.stage.feature;
  if (!f) return { why: `${fg.gate} has no stage at ${version}` };
  if (f.locked) return { why: `${fg.gate} is ${f.stage.toUpperCase()} and locked on at ${version}: only an older release, where it was off or absent, can show the scenario failing without it` };
  // `removed` is where the gate's name goes: a gate still there until then (alpha/beta) can be switched off
  if (f.removed !== undefined && v!.minor >= f.removed) return { why: `${fg.gate} is gone at ${version}: nothing switches the behaviour off` };
  // Gates that depend on this one must go off with it, or the components refuse to start (1.34+).
  const alsoOff: string[] = [];
  for (const d of dependentsOf(fg.gate, target.sourceGates?.dependencies)) {
    const st = featureAt(d, v!.minor, v!.patch, target.sourceGates);
    if (!st.exists) continue;
    if (st.locked && st.defaultOn) return { why: `${d} depends on ${fg.gate} and is locked on at ${version}: ${fg.gate} cannot be switched off there` };
    if (st.defaultOn || r.requirements.featureGates[d] === true) alsoOff.push(d);
  }
  return alsoOff.length ? { variant: { ...variant().variant, counterProofOf: { id: s.id, gate: fg.gate, alsoOff } } } : variant();
}

/** The needs without the feature's own flags and kubelet settings, everywhere they are given (per version too). */
function withoutFlags(r: ScenarioRequirements, flags: readonly string[]): ScenarioRequirements {
  const keep = <V>(o: Record<string, V>): Record<string, V> => Object.fromEntries(Object.entries(o).filter(([k]) => !flags.includes(k)));
  const strip = <T extends VersionedRequirements>(v: T): T => ({
    ...v,
    ...(v.apiServerFlags ? { apiServerFlags: keep(v.apiServerFlags) } : {}),
    ...(v.controllerManagerFlags ? { controllerManagerFlags: keep(v.controllerManagerFlags) } : {}),
    ...(v.kubelet ? { kubelet: keep(v.kubelet) } : {}),
  });
  return { ...strip(r), ...(r.perVersion ? { perVersion: r.perVersion.map(strip) } : {}) };
}

/** Every gate that depends on `gate`, directly or through another, in name order. */
export function dependentsOf(gate: string, deps: ReadonlyMap<string, readonly string[]> | undefined): string[] {
  const out = new Set<string>();
  let frontier = [gate];
  while (frontier.length && deps) {
    const next: string[] = [];
    for (const [d, on] of deps) if (!out.has(d) && d !== gate && on.some((x) => frontier.includes(x))) (out.add(d), next.push(d));
    frontier = next;
  }
  return [...out].sort();
}
