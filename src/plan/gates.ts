// Feature-gate lifecycles per Kubernetes minor version, from ../shared/reference/feature-facts.md
// (KEP metadata and the kubernetes/website gate pages). The planner uses this to never set a gate
// a component would refuse ("unrecognized feature gate"), to drop gates locked on at GA, and to
// suggest the right name for a typo. Where the target's source was read (src/plan/feature-specs.ts),
// its specs are the authority and this table is the fallback (targets whose source is not at hand).
import { specAt, type SourceGates } from './feature-specs.js';

export type Stage = 'alpha' | 'beta' | 'ga' | 'deprecated';

export interface StageSpan {
  /** First minor (1.<from>) of this stage. */
  from: number;
  stage: Stage;
  /** Default value in this stage. */
  default: boolean;
  /** Patch-level default overrides within the first minor of the span: [minPatch, default]. */
  patches?: Array<[number, boolean]>;
}

export interface GateInfo {
  name: string;
  kep?: number;
  /** Stages in order; the last one lasts until `removed`. */
  stages: StageSpan[];
  /** First minor where the gate name is unknown to components. */
  removed?: number;
  note?: string;
  /** The gate that took this one's feature over at `removed` (the same KEP under a new name). */
  renamedTo?: string;
}

const g = (name: string, kep: number | undefined, stages: StageSpan[], removed?: number, note?: string): GateInfo => ({ name, kep, stages, removed, note });
const renamed = (info: GateInfo, to: string): GateInfo => ({ ...info, renamedTo: to });
const s = (from: number, stage: Stage, def: boolean, patches?: Array<[number, boolean]>): StageSpan => ({ from, stage, default: def, patches });

/** The newest minor kindlab's table has seen; a release newer than the one after it does not exist yet. */
export const newestKnownMinor = (): number => Math.max(...GATES.flatMap((g) => [...g.stages.map((s) => s.from), g.removed ?? 0]));

export const GATES: readonly GateInfo[] = [
  g('DynamicKubeletConfig', 281, [s(4, 'alpha', false), s(11, 'beta', true), s(22, 'deprecated', false)], 26, 'kubelet side removed in 1.24'),
  g('JobTrackingWithFinalizers', 2307, [s(22, 'alpha', false), s(23, 'beta', true), s(24, 'beta', false), s(25, 'beta', true), s(26, 'ga', true)], 29, 'shipped on in 1.23.0, flipped off by a 1.23 patch and in 1.24'),
  g('LegacyServiceAccountTokenNoAutoGeneration', 2799, [s(24, 'beta', true), s(26, 'ga', true)], 29),
  g('LegacyServiceAccountTokenTracking', 2799, [s(26, 'alpha', false), s(27, 'beta', true), s(28, 'ga', true)], 30),
  g('LegacyServiceAccountTokenCleanUp', 2799, [s(28, 'alpha', false), s(29, 'beta', true), s(30, 'ga', true)], 32),
  g('TokenRequest', 1205, [s(10, 'alpha', false), s(12, 'beta', true), s(20, 'ga', true)], 22),
  g('ServiceAccountTokenNodeBinding', 4193, [s(29, 'alpha', false), s(30, 'beta', true), s(32, 'ga', true)]),
  g('GRPCContainerProbe', 2727, [s(23, 'alpha', false), s(24, 'beta', true), s(27, 'ga', true)], 29),
  g('CronJobTimeZone', 3140, [s(24, 'alpha', false), s(25, 'beta', true), s(27, 'ga', true)], 29),
  g('MaxUnavailableStatefulSet', 961, [s(24, 'alpha', false), s(35, 'beta', true, [[4, false]]), s(36, 'beta', false), s(37, 'beta', true)], undefined, 'default off in 1.35.4+ and 1.36 (k/k#137409), on again in 1.37'),
  renamed(g('UserNamespacesStatelessPodsSupport', 127, [s(25, 'alpha', false)], 28, 'stateless pods only (the API server refuses other volume types)'), 'UserNamespacesSupport'),
  g('UserNamespacesSupport', 127, [s(28, 'alpha', false), s(30, 'beta', false), s(33, 'beta', true), s(36, 'ga', true)]),
  g('UserNamespacesPodSecurityStandards', 127, [s(29, 'alpha', false)]),
  g('TranslateStreamCloseWebsocketRequests', 4006, [s(29, 'alpha', false), s(30, 'beta', true)]),
  g('PortForwardWebsockets', 4006, [s(30, 'alpha', false), s(31, 'beta', true)]),
  g('AuthorizePodWebsocketUpgradeCreatePermission', 4006, [s(35, 'beta', true)]),
  g('ExtendWebSocketsToKubelet', 4006, [s(36, 'beta', true)]),
  g('StructuredAuthenticationConfiguration', 3331, [s(29, 'alpha', false), s(30, 'beta', true), s(34, 'ga', true)]),
  g('ValidatingAdmissionPolicy', 3488, [s(26, 'alpha', false), s(28, 'beta', false), s(30, 'ga', true)], 32),
  g('MutatingAdmissionPolicy', 3962, [s(30, 'alpha', false), s(32, 'alpha', false), s(34, 'beta', false), s(36, 'ga', true)], undefined, 'inert in 1.30/1.31'),
  g('MultiCIDRServiceAllocator', undefined, [s(27, 'alpha', false), s(31, 'beta', false), s(33, 'ga', true)]),
  g('DynamicResourceAllocation', undefined, [s(26, 'alpha', false), s(32, 'beta', false), s(34, 'ga', true)]),
  g('VolumeAttributesClass', undefined, [s(29, 'alpha', false), s(31, 'beta', false), s(34, 'ga', true)]),
  g('InPlacePodVerticalScaling', 1287, [s(27, 'alpha', false), s(33, 'beta', true), s(35, 'ga', true)]),
  g('ContainerCheckpoint', 2008, [s(25, 'alpha', false), s(30, 'beta', true)]),
  g('NodeLogQuery', 2258, [s(27, 'alpha', false), s(30, 'beta', false), s(36, 'ga', true)]),
  g('MultiCIDRRangeAllocator', 2593, [s(25, 'alpha', false)], 29),
  g('PodLevelResources', 2837, [s(32, 'alpha', false), s(34, 'beta', true)]),
  g('SidecarContainers', 753, [s(28, 'alpha', false), s(29, 'beta', true), s(33, 'ga', true)]),
  g('PDBUnhealthyPodEvictionPolicy', 3017, [s(26, 'alpha', false), s(27, 'beta', true), s(31, 'ga', true)], 33),
];

const BY_NAME = new Map(GATES.map((x) => [x.name, x]));

export function gateInfo(name: string): GateInfo | undefined {
  return BY_NAME.get(name);
}

/**
 * The name a feature's gate has at 1.<minor>: a gate renamed since (the same feature, e.g.
 * UserNamespacesSupport, which was UserNamespacesStatelessPodsSupport at 1.25–1.27) is known by
 * the name of that release, the only one its components accept. Other names are returned as given.
 */
export function gateNameAt(gate: string, minor: number): string {
  const info = BY_NAME.get(gate);
  if (info && minor >= (info.stages[0]?.from ?? 0)) return gate;
  const before = GATES.find((x) => x.renamedTo === gate && minor >= (x.stages[0]?.from ?? Infinity) && minor < (x.removed ?? Infinity));
  return before?.name ?? gate;
}

export type GateStatus =
  | { known: false }
  /** `behaviour`: what the feature does at this version when the gate name is gone (GA then removed: on). */
  | { known: true; exists: false; reason: string; behaviour?: boolean }
  | { known: true; exists: true; stage: Stage; default: boolean; locked: boolean };

/** What a gate is at Kubernetes 1.<minor>.<patch>. Unknown gates are `known: false` (not in the table). */
export function gateAt(name: string, minor: number, patch = 0): GateStatus {
  const info = BY_NAME.get(name);
  if (!info) return { known: false };
  const first = info.stages[0];
  if (!first || minor < first.from) {
    return { known: true, exists: false, reason: `${name} does not exist yet in 1.${minor} (it appears as ${first?.stage} in 1.${first?.from})` };
  }
  if (info.removed !== undefined && minor >= info.removed) {
    const last = info.stages[info.stages.length - 1];
    const gaThenRemoved = last?.stage === 'ga';
    return {
      known: true,
      exists: false,
      reason: gaThenRemoved
        ? `${name} went GA in 1.${last.from} and was removed in 1.${info.removed}: the feature is always on, the gate name is refused`
        : `${name} was removed in 1.${info.removed} without graduating (components refuse it: unrecognized feature gate)`,
      behaviour: gaThenRemoved ? true : undefined,
    };
  }
  let span = first;
  for (const st of info.stages) if (st.from <= minor) span = st;
  let def = span.default;
  if (span.from === minor && span.patches) for (const [minPatch, d] of span.patches) if (patch >= minPatch) def = d;
  return { known: true, exists: true, stage: span.stage, default: def, locked: span.stage === 'ga' };
}

/**
 * Whether the behaviour behind a gate is on by default at 1.<minor>.<patch>: the default while the
 * gate exists, the feature's state after a GA gate was removed (on), off before the gate existed
 * or after it was dropped without graduating. Undefined for a gate not in the table.
 */
export function gateDefaultAt(name: string, minor: number, patch = 0): boolean | undefined {
  const st = gateAt(name, minor, patch);
  if (!st.known) return undefined;
  return st.exists ? st.default : (st.behaviour ?? false);
}

/**
 * Closest known gate names for a misspelt one (case-insensitive edit distance ≤ max(2, length/6),
 * or ≤ `maxDistance`). `only`: suggest from these names alone (a checkout's gates), not the table.
 */
export function suggestGate(name: string, extra: Iterable<string> = [], opts: { maxDistance?: number; only?: boolean } = {}): string[] {
  const names = new Set([...(opts.only ? [] : GATES.map((x) => x.name)), ...extra]);
  const lower = name.toLowerCase();
  const limit = opts.maxDistance ?? Math.max(2, Math.floor(name.length / 6));
  const scored = [...names]
    .map((n) => ({ n, d: n.toLowerCase() === lower ? 0 : distance(lower, n.toLowerCase()) }))
    .filter((x) => x.d <= limit && x.n !== name)
    .sort((a, b) => a.d - b.d || a.n.localeCompare(b.n));
  return scored.slice(0, 3).map((x) => x.n);
}

export function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/** A feature (named by its gate) at a Kubernetes version: its stage, or why it is not there. */
export type FeatureState =
  | {
      exists: true;
      stage: Stage;
      defaultOn: boolean;
      locked: boolean;
      /** First minor where the gate name is gone (the feature stays, at GA). */
      removed?: number;
      /** e.g. 'beta, off by default', 'GA (gate removed in 1.29)'. */
      summary: string;
    }
  | { exists: false; reason: string; /** The feature comes in a later release (not: removed, withdrawn). */ notYet?: boolean };

const stageWord = (st: Stage): string => (st === 'ga' ? 'GA' : st);

/**
 * The stage of the feature behind `gate` at 1.<minor>.<patch>. A gate that went GA and was then
 * removed is GA (always on, nothing to set). With `sourceGates` (the target's own feature specs),
 * the source decides; a gate it does not declare exists only if the table says it is GA by then.
 */
export function featureAt(gate: string, minor: number, patch = 0, sourceGates?: SourceGates): FeatureState {
  const specs = sourceGates?.get(gate);
  if (specs) {
    const at = specAt(specs, minor);
    if (!at) return { exists: false, notYet: true, reason: `feature gate ${gate} does not exist yet in 1.${minor} (the target's source has it from 1.${specs[0]?.since} as ${stageWord(specs[0]!.stage)})` };
    const summary = at.locked ? `${stageWord(at.stage)} (locked ${at.default ? 'on' : 'off'})` : `${stageWord(at.stage)}, ${at.default ? 'on' : 'off'} by default`;
    return { exists: true, stage: at.stage, defaultOn: at.default, locked: at.locked, summary };
  }
  const info = BY_NAME.get(gate);
  if (!info) {
    return { exists: false, reason: `feature gate ${gate} is ${sourceGates ? 'not declared in the target\'s source' : `not in kindlab's gate-lifecycle table (src/plan/gates.ts), and the target's source was not read`}` };
  }
  const st = gateAt(gate, minor, patch);
  if (!st.known) return { exists: false, reason: `unknown feature gate ${gate}` };
  if (!st.exists) {
    if (st.behaviour === true) {
      const ga = [...info.stages].reverse().find((x) => x.stage === 'ga');
      return { exists: true, stage: 'ga', defaultOn: true, locked: true, removed: info.removed, summary: `GA since 1.${ga?.from} (gate removed in 1.${info.removed})` };
    }
    return { exists: false, reason: st.reason, notYet: minor < (info.stages[0]?.from ?? 0) };
  }
  if (sourceGates) {
    if (st.stage === 'ga') return { exists: true, stage: 'ga', defaultOn: true, locked: true, summary: 'GA (the gate is gone at the target)' };
    return { exists: false, reason: `feature gate ${gate} does not exist at the target (kindlab's table has it ${stageWord(st.stage)} in 1.${minor})` };
  }
  const summary = st.stage === 'ga' ? 'GA (locked on)' : `${stageWord(st.stage)}, ${st.default ? 'on' : 'off'} by default`;
  return { exists: true, stage: st.stage, defaultOn: st.default, locked: st.locked, removed: info.removed, summary };
}

/** The version gates typed by a user are checked against; without `minor`, names only. */
export interface GateTarget {
  minor?: number;
  patch?: number;
  /** The target's own feature specs (a ref's commit, a release's module): the authority on names and stages. */
  sourceGates?: SourceGates;
  /** For messages: 'v1.33.1', 'origin/master (v1.38.0-alpha.0-12-gabc)'. */
  description: string;
}

export interface GateCheck {
  /** Each one would make a component exit or is certainly a mistake; with the fix. */
  problems: string[];
  /** Gates kindlab cannot judge (not in its table, no checkout to read). */
  notes: string[];
}

/**
 * Feature gates a user typed (up --feature-gates, featureGates of a --config), checked against
 * the target: a misspelt name gets the right one suggested, a gate that does not exist yet or
 * was removed says when, a GA gate locked on cannot be set false.
 */
export function checkGates(gates: Record<string, boolean>, at: GateTarget): GateCheck {
  const out: GateCheck = { problems: [], notes: [] };
  const v = at.minor !== undefined ? `1.${at.minor}` : undefined;
  for (const [name, value] of Object.entries(gates)) {
    const hint = (names: string[]): string => (names.length ? ` (did you mean ${names.join(' or ')}?)` : '');
    const info = BY_NAME.get(name);
    const st = at.minor !== undefined ? gateAt(name, at.minor, at.patch ?? 0) : undefined;
    if (at.sourceGates && !at.sourceGates.has(name)) {
      if (st?.known && !st.exists) out.problems.push(`${st.reason}; drop it`);
      else if (info && st?.known && st.exists && st.locked) out.problems.push(`${name}: the gate is gone at ${at.description} (GA in kindlab's table: the feature is always on); drop it`);
      else out.problems.push(`${name} is not a feature gate at ${at.description}${hint(suggestGate(name, at.sourceGates.keys(), { only: true }))}`);
      continue;
    }
    const specs = at.sourceGates?.get(name);
    if (specs) {
      // the target's own specs decide: not yet declared at this minor, or locked to its default
      const spec = at.minor !== undefined ? specAt(specs, at.minor) : undefined;
      if (at.minor !== undefined && !spec) out.problems.push(`${name} does not exist yet in ${v} (the target's source has it from 1.${specs[0]?.since})`);
      else if (spec?.locked && value !== spec.default) out.problems.push(`${name} is ${stageWord(spec.stage)} and locked ${spec.default ? 'on' : 'off'} in ${v}: it cannot be set to ${value}`);
      continue;
    }
    if (!info) {
      const near = suggestGate(name, [], { maxDistance: 2 });
      if (near.length) out.problems.push(`unknown feature gate ${name}${hint(near)}`);
      else out.notes.push(`feature gate ${name} is not in kindlab's gate-lifecycle table; passed as given`);
      continue;
    }
    if (!st || !st.known) continue; // a real name, no version to judge it against
    if (!st.exists) {
      out.problems.push(`${st.reason}${/does not exist yet/.test(st.reason) ? '' : '; drop it'}`);
      continue;
    }
    if (st.locked && value === false) out.problems.push(`${name} is GA and locked on in ${v}: it cannot be set to false`);
  }
  return out;
}
