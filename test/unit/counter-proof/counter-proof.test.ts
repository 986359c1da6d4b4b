// Counter-proof planning and judging, pure: which scenarios get a variant at a target and how,
// and what a variant's result says about its scenario.
import { describe, expect, it } from 'vitest';
import { counterProofOf, counterProofPlan, dependentsOf } from '../../../src/counter-proof/plan.js';
import { parseFeatureDependencies, parseFeatureSpecs } from '../../../src/plan/feature-specs.js';
import { foldCounterProofs, judgeCounterProof } from '../../../src/counter-proof/judge.js';
import { resolveRequirements } from '../../../src/plan/requirements.js';
import { plan } from '../../../src/plan/planner.js';
import { runOutcome, type ScenarioResult } from '../../../src/report/model.js';
import { defineScenario, type Scenario } from '../../../src/scenario/types.js';

const scenario = (id: string, requires: Scenario['requires'], versions?: string): Scenario => defineScenario({ id, title: id, ...(versions ? { versions } : {}), requires, run: async () => {} });
const result = (id: string, over: Partial<ScenarioResult>): ScenarioResult => ({ id, title: id, cluster: 'c-2', status: 'passed', steps: [], logs: [], durationMs: 1, ...over });

describe('counter-proof plan', () => {
  it('switches a beta gate off at the target, and the variant needs it off', () => {
    const s = scenario('sts', { feature: 'MaxUnavailableStatefulSet' });
    const r = counterProofOf(s, { version: '1.37.2' });
    expect('variant' in r).toBe(true);
    const v = (r as { variant: Scenario }).variant;
    expect(v.id).toBe('counter-proof:sts');
    expect(v.counterProofOf).toEqual({ id: 'sts', gate: 'MaxUnavailableStatefulSet' });
    const needs = resolveRequirements(v, { version: '1.37.2' });
    expect(needs.ok && needs.requirements.featureGates).toEqual({ MaxUnavailableStatefulSet: false });
    // the scenario itself still gets it on
    const own = resolveRequirements(s, { version: '1.28.15' });
    expect(own.ok && own.requirements.featureGates).toEqual({ MaxUnavailableStatefulSet: true });
  });

  it('a feature that does not exist yet at an older target: a variant without the gate, whatever the version range', () => {
    const s = scenario('map', { feature: 'MutatingAdmissionPolicy', runtimeConfig: { 'admissionregistration.k8s.io/v1': 'true' } }, '>=1.32');
    const v = (counterProofOf(s, { version: '1.28.15' }) as { variant: Scenario }).variant;
    expect(v.counterProofOf).toMatchObject({ id: 'map', gate: 'MutatingAdmissionPolicy', absent: expect.stringMatching(/does not exist yet in 1\.28/) });
    const needs = resolveRequirements(v, { version: '1.28.15' });
    expect(needs.ok).toBe(true);
    expect(needs.ok && needs.requirements.featureGates).toEqual({});
    expect(needs.ok && needs.stage.why).toMatch(/counter-proof of map: MutatingAdmissionPolicy does not exist yet/);
  });

  it('a renamed gate is switched off by the name of the target\'s release (UserNamespacesSupport was UserNamespacesStatelessPodsSupport at 1.25–1.27)', () => {
    const s = scenario('userns', { feature: 'UserNamespacesSupport' }, '>=1.25');
    const at127 = (counterProofOf(s, { version: '1.27.16' }) as { variant: Scenario }).variant;
    expect(at127.counterProofOf).toEqual({ id: 'userns', gate: 'UserNamespacesStatelessPodsSupport' });
    const needs = resolveRequirements(at127, { version: '1.27.16' });
    expect(needs.ok && needs.requirements.featureGates).toEqual({ UserNamespacesStatelessPodsSupport: false });
    const own = resolveRequirements(s, { version: '1.27.16' });
    expect(own.ok && own.requirements.featureGates).toEqual({ UserNamespacesStatelessPodsSupport: true });
    expect(own.ok && own.stage.feature?.gate).toBe('UserNamespacesStatelessPodsSupport');
    // from the rename on, the new name; before the first alpha, absent under the name it has now
    expect((counterProofOf(s, { version: '1.30.14' }) as { variant: Scenario }).variant.counterProofOf).toEqual({ id: 'userns', gate: 'UserNamespacesSupport' });
    expect((counterProofOf(s, { version: '1.24.17' }) as { variant: Scenario }).variant.counterProofOf).toMatchObject({ gate: 'UserNamespacesSupport', absent: expect.any(String) });
  });

  it('says why where nothing switches the feature off', () => {
    const plan = counterProofPlan(
      [scenario('ga', { feature: 'ValidatingAdmissionPolicy' }), scenario('nogate', {}), scenario('gone', { feature: 'MultiCIDRRangeAllocator' })],
      { version: '1.37.2' },
    );
    expect(plan.variants).toEqual([]);
    expect(plan.notPossible.ga).toMatch(/ValidatingAdmissionPolicy is GA and locked on at v1\.37\.2: only an older release/);
    expect(plan.notPossible.nogate).toMatch(/no feature gate names its feature/);
    expect(plan.notPossible.gone).toMatch(/does not run at v1\.37\.2/);
  });

  it('flags that exist only for the feature are left out of its variant, switched off or absent; other flags still stop an absent one', () => {
    const requires: Scenario['requires'] = {
      feature: 'StructuredAuthenticationConfiguration',
      apiServerFlags: { 'authentication-config': '${KINDLAB_FILES}/authn.yaml', 'v': '2' },
      perVersion: [{ stage: 'beta', apiServerFlags: { 'authentication-config': '${KINDLAB_FILES}/b.yaml' } }],
    };
    const s = { ...scenario('authn', requires, '>=1.29'), counterProof: { featureFlags: ['authentication-config'] } };
    // beta at 1.30: switched off, without the flag the API server would refuse
    const off = (counterProofOf(s, { version: '1.30.14' }) as { variant: Scenario }).variant;
    expect(off.counterProofOf).toMatchObject({ gate: 'StructuredAuthenticationConfiguration' });
    expect(off.requires?.apiServerFlags).toEqual({ v: '2' });
    expect(off.requires?.perVersion?.[0]?.apiServerFlags).toEqual({});
    // the scenario itself keeps its flags
    expect(s.requires?.apiServerFlags).toHaveProperty('authentication-config');
    // absent at 1.28: a flag that is not the feature's own still stops the release
    expect(counterProofOf(s, { version: '1.28.15' })).toEqual({ why: expect.stringMatching(/the scenario's needs include flags \(--v\) that such a release does not know/) });
    const only = { ...scenario('authn', { ...requires, apiServerFlags: { 'authentication-config': 'x' } }, '>=1.29'), counterProof: { featureFlags: ['authentication-config'] } };
    const absent = (counterProofOf(only, { version: '1.28.15' }) as { variant: Scenario }).variant;
    expect(absent.counterProofOf?.absent).toMatch(/does not exist yet in 1\.28/);
    expect(absent.requires?.apiServerFlags).toEqual({});
  });

  it('kubelet settings that exist only for the feature are left out of its variant, the others kept', () => {
    const requires: Scenario['requires'] = { needs: 'node', feature: { gate: 'NodeLogQuery', components: ['kubelet'] }, kubelet: { enableSystemLogHandler: true, enableSystemLogQuery: true } };
    const s = { ...scenario('logs', requires, '>=1.27'), counterProof: { featureFlags: ['enableSystemLogQuery'] } };
    // beta and off by default at 1.30: a kubelet with enableSystemLogQuery and the gate off refuses to start
    const off = (counterProofOf(s, { version: '1.30.14' }) as { variant: Scenario }).variant;
    expect(off.counterProofOf).toMatchObject({ gate: 'NodeLogQuery' });
    expect(off.requires?.kubelet).toEqual({ enableSystemLogHandler: true });
    expect(s.requires?.kubelet).toEqual({ enableSystemLogHandler: true, enableSystemLogQuery: true });
  });

  it('never shares a cluster with a scenario that relies on the same gate on by default (GA, not locked)', () => {
    // MutatingAdmissionPolicy is GA and on by default at 1.37, so the scenario sets no gate; its
    // variant sets it false. On one cluster the scenario itself would run with its feature off.
    const features = `package features\n\nvar defaultVersionedKubernetesFeatureGates = map[featuregate.Feature]featuregate.VersionedSpecs{\n\tMutatingAdmissionPolicy: {\n\t\t{Version: version.MustParse("1.36"), Default: true, PreRelease: featuregate.GA},\n\t},\n}\n`;
    const sourceGates = parseFeatureSpecs(features, '');
    const s = scenario('map', { feature: 'MutatingAdmissionPolicy' }, '>=1.32');
    const other = scenario('other', {});
    const { variants } = counterProofPlan([s], { version: '1.37.2', sourceGates });
    expect(variants.map((v) => v.id)).toEqual(['counter-proof:map']);
    const p = plan([s, other, ...variants], { version: '1.37.2', description: 'v1.37.2', providers: { local: true }, sourceGates });
    const on = p.clusters.find((c) => c.scenarios.includes('map'))!;
    const off = p.clusters.find((c) => c.scenarios.includes('counter-proof:map'))!;
    expect(on).not.toBe(off);
    expect(on.profile.featureGates.MutatingAdmissionPolicy).not.toBe(false);
    expect(off.profile.featureGates).toEqual({ MutatingAdmissionPolicy: false });
    // a scenario that does not care still packs with either
    expect(p.clusters).toHaveLength(2);
  });

  it('a scenario that declares why it cannot be counter-proved is not given a variant', () => {
    const s = { ...scenario('cidr', { feature: 'MultiCIDRRangeAllocator' }), counterProof: { notPossible: 'the gate does not switch off what it checks' } };
    expect(counterProofOf(s, { version: '1.28.15' })).toEqual({ why: 'the gate does not switch off what it checks' });
  });
});

describe('counter-proof verdicts', () => {
  const of = { id: 's', gate: 'G' };
  const failedIn = (step: string, marked: boolean) => result('counter-proof:s', { status: 'failed', failedStep: step, message: 'expected 2\nmore', steps: [{ name: step, status: 'failed', durationMs: 1, ...(marked ? { assertsFeature: true } : {}) }] });
  it('counter-proved only by a failure in a step that asserts the feature', () => {
    expect(judgeCounterProof(failedIn('kept', true), of, 'v1.37.2')).toMatchObject({ verdict: 'counter-proved', how: 'G=false on v1.37.2', detail: 'failed in "kept": expected 2' });
    expect(judgeCounterProof(failedIn('setup', false), of, 'v1.37.2')).toMatchObject({ verdict: 'inconclusive', detail: expect.stringMatching(/in step "setup", which does not assert the feature/) });
    expect(judgeCounterProof(result('x', { status: 'skipped', message: 'no nodes' }), of, 'v1.37.2')).toMatchObject({ verdict: 'inconclusive', detail: 'skipped: no nodes' });
    expect(judgeCounterProof(result('x', {}), { ...of, absent: 'G does not exist yet' }, 'v1.28.15')).toMatchObject({ verdict: 'not-counter-proved', how: 'G absent on v1.28.15' });
  });

  it('a partial pass whose feature steps never ran is inconclusive, not a defect; a full pass without them is one', () => {
    const of = { id: 'grpc', gate: 'GRPCContainerProbe' };
    const plainSteps = [{ name: 'the field is kept', status: 'passed' as const, durationMs: 1 }];
    const partial = result('counter-proof:grpc', { steps: plainSteps, partial: ['node part: this cluster does not run pods'] });
    expect(judgeCounterProof(partial, of, 'v1.24.17')).toMatchObject({ verdict: 'inconclusive', detail: expect.stringMatching(/^passed without reaching a step that asserts the feature \(not covered here: node part/) });
    // a feature step that ran and passed, partial or not, is a defect of the scenario
    const ran = result('counter-proof:grpc', { steps: [...plainSteps, { name: 'node: probed', status: 'passed', durationMs: 1, assertsFeature: true }], partial: ['something else'] });
    expect(judgeCounterProof(ran, of, 'v1.24.17').verdict).toBe('not-counter-proved');
    expect(judgeCounterProof(result('counter-proof:grpc', { steps: plainSteps }), of, 'v1.24.17').verdict).toBe('not-counter-proved');
  });

  it('folds the variant into its scenario; a scenario not counter-proved fails the run, an expected failure does not', () => {
    const variant = scenario('counter-proof:s', {});
    variant.counterProofOf = of;
    const own = result('s', { cluster: 'c-1' });
    const folded = foldCounterProofs([own, failedIn('kept', true), result('t', {})], [scenario('s', {}), variant], { t: 'no gate' }, 'v1.37.2');
    expect(folded.map((r) => [r.id, r.counterProof?.verdict])).toEqual([
      ['s', 'counter-proved'],
      ['t', 'not-possible'],
    ]);
    expect(folded[0]!.counterProof!.run).toMatchObject({ status: 'failed', cluster: 'c-2', failedStep: 'kept' });
    expect(runOutcome({ results: folded }, false)).toBe('ok');
    const passing = foldCounterProofs([own, result('counter-proof:s', {})], [variant], {}, 'v1.37.2');
    expect(passing[0]!.counterProof!.verdict).toBe('not-counter-proved');
    expect(runOutcome({ results: passing }, false)).toBe('failed');
  });
});

describe('gate dependencies (1.34+ trees refuse a dependent gate on without its dependency)', () => {
  const src = `package features

var defaultKubernetesFeatureGateDependencies = map[featuregate.Feature][]featuregate.Feature{
\tAllowDNSOnlyNodeCSR: {},

\tInPlacePodLevelResourcesVerticalScaling: {InPlacePodVerticalScaling, PodLevelResources, genericfeatures.NodeDeclaredFeatures},

\tPodLevelResourceManagers: {PodLevelResources},

\tPodLevelResources: {},
}
`;
  it('reads the dependency map and finds every dependent, transitively', () => {
    const deps = parseFeatureDependencies(src);
    expect(deps.get('InPlacePodLevelResourcesVerticalScaling')).toEqual(['InPlacePodVerticalScaling', 'PodLevelResources', 'NodeDeclaredFeatures']);
    expect(dependentsOf('PodLevelResources', deps)).toEqual(['InPlacePodLevelResourcesVerticalScaling', 'PodLevelResourceManagers']);
    expect(dependentsOf('NodeDeclaredFeatures', new Map([...deps, ['X', ['InPlacePodLevelResourcesVerticalScaling']]]))).toEqual(['InPlacePodLevelResourcesVerticalScaling', 'X']);
  });

  it('switches the dependents that are on off with the gate', () => {
    const specs = (stage: string, def: boolean) => `\t\t{Version: version.MustParse("1.36"), Default: ${def}, PreRelease: featuregate.${stage}},`;
    const features = `package features\n\nvar defaultVersionedKubernetesFeatureGates = map[featuregate.Feature]featuregate.VersionedSpecs{\n\tPodLevelResources: {\n${specs('Beta', true)}\n\t},\n\tPodLevelResourceManagers: {\n${specs('Beta', true)}\n\t},\n\tInPlacePodLevelResourcesVerticalScaling: {\n${specs('Alpha', false)}\n\t},\n}\n`;
    const sourceGates = parseFeatureSpecs(features, src);
    const v = (counterProofOf(scenario('plr', { feature: 'PodLevelResources' }), { version: '1.37.2', sourceGates }) as { variant: Scenario }).variant;
    expect(v.counterProofOf).toEqual({ id: 'plr', gate: 'PodLevelResources', alsoOff: ['PodLevelResourceManagers'] });
    const needs = resolveRequirements(v, { version: '1.37.2', sourceGates });
    expect(needs.ok && needs.requirements.featureGates).toEqual({ PodLevelResources: false, PodLevelResourceManagers: false });
  });
});
