import { describe, expect, it } from 'vitest';
import { gateAt, suggestGate } from '../../../src/plan/gates.js';
import { sourceGatesOf } from '../../helpers/source-gates.js';
import { mergeProfiles, plan, type PlanTarget } from '../../../src/plan/planner.js';
import { select } from '../../../src/plan/select.js';
import { emptyProfile } from '../../../src/cluster/profile.js';
import { defineScenario, type Scenario, type ScenarioRequirements } from '../../../src/scenario/types.js';

const sc = (id: string, requires: ScenarioRequirements = {}, extra: Partial<Scenario> = {}): Scenario =>
  defineScenario({ id, title: id, requires, run: async () => {}, ...extra });
const target = (version: string, extra: Partial<PlanTarget> = {}): PlanTarget => ({ version, description: `v${version}`, providers: { local: true, kind: true }, ...extra });

describe('gate lifecycle', () => {
  it('knows stages, defaults, locks and removals', () => {
    expect(gateAt('CronJobTimeZone', 24)).toMatchObject({ exists: true, stage: 'alpha', default: false, locked: false });
    expect(gateAt('CronJobTimeZone', 25)).toMatchObject({ exists: true, stage: 'beta', default: true });
    expect(gateAt('CronJobTimeZone', 27)).toMatchObject({ exists: true, stage: 'ga', locked: true });
    expect(gateAt('CronJobTimeZone', 29)).toMatchObject({ exists: false, behaviour: true });
    expect(gateAt('CronJobTimeZone', 23)).toMatchObject({ exists: false });
    expect(gateAt('DynamicKubeletConfig', 26)).toMatchObject({ exists: false, behaviour: undefined });
    expect(gateAt('JobTrackingWithFinalizers', 24)).toMatchObject({ default: false });
    expect(gateAt('JobTrackingWithFinalizers', 25)).toMatchObject({ default: true });
    expect(gateAt('MaxUnavailableStatefulSet', 35, 3)).toMatchObject({ default: true });
    expect(gateAt('MaxUnavailableStatefulSet', 35, 4)).toMatchObject({ default: false });
    expect(gateAt('MaxUnavailableStatefulSet', 37)).toMatchObject({ default: true });
    expect(gateAt('NoSuchGate', 30)).toEqual({ known: false });
  });
  it('suggests names for typos', () => {
    expect(suggestGate('CronJobTimezone')).toContain('CronJobTimeZone');
    expect(suggestGate('UserNamespaceSupport')).toContain('UserNamespacesSupport');
    expect(suggestGate('CompletelyDifferentThing')).toEqual([]);
  });
});

describe('plan', () => {
  it('skips by version range with the reason', () => {
    const p = plan([sc('new', {}, { versions: '>=1.30' })], target('1.24.17'));
    expect(p.skips).toEqual([{ id: 'new', reason: 'needs Kubernetes >=1.30; the target is v1.24.17', kind: 'verdict' }]);
  });

  it('sets alpha gates, drops locked GA gates with a note, and refuses removed ones', () => {
    const scenarios = [sc('a', { featureGates: { CronJobTimeZone: true } }), sc('b', { featureGates: { DynamicKubeletConfig: true } })];
    const at24 = plan(scenarios, target('1.24.0'));
    expect(at24.clusters[0]?.profile.featureGates).toEqual({ CronJobTimeZone: true, DynamicKubeletConfig: true });
    const at27 = plan(scenarios, target('1.27.3'));
    expect(at27.clusters[0]?.profile.featureGates).toEqual({});
    expect(at27.notes.join('\n')).toMatch(/CronJobTimeZone is GA and locked on in 1.27; not set/);
    expect(at27.skips).toEqual([{ id: 'b', reason: expect.stringMatching(/DynamicKubeletConfig was removed in 1.26 without graduating/), kind: 'verdict' }]);
    const at30 = plan(scenarios, target('1.30.0'));
    expect(at30.clusters[0]?.scenarios).toEqual(['a']);
    expect(at30.notes.join('\n')).toMatch(/CronJobTimeZone went GA in 1.27 and was removed in 1.29: the feature is always on/);
    expect(plan([sc('off', { featureGates: { CronJobTimeZone: false } })], target('1.30.0')).skips[0]?.reason).toMatch(/needs CronJobTimeZone=false, but/);
  });

  it('refuses a misspelt gate with a suggestion', () => {
    const p = plan([sc('typo', { featureGates: { CronJobTimezone: true } })], target('1.25.0'));
    expect(p.skips[0]?.reason).toMatch(/unknown feature gate CronJobTimezone \(did you mean CronJobTimeZone\?\)/);
  });

  it('uses the gates of a source checkout for unreleased gates', () => {
    const t = target('1.38.0', { sourceGates: sourceGatesOf({ BrandNewThing: [[38, 'Alpha', false]], OldThing: [[20, 'GA', true, true]] }) });
    expect(plan([sc('x', { featureGates: { BrandNewThing: true } })], t).clusters[0]?.profile.featureGates).toEqual({ BrandNewThing: true });
    expect(plan([sc('y', { featureGates: { BrandNewThin: true } })], t).skips[0]?.reason).toMatch(/does not exist at the target \(did you mean BrandNewThing\?\)/);
    expect(plan([sc('z', { featureGates: { BrandNewThing: true } })], { ...t, version: '1.37.0' }).skips[0]?.reason).toBe("feature gate BrandNewThing does not exist yet in 1.37 (the target's source has it from 1.38)");
    // locked at its default: not set (a note), and the opposite value is a skip
    const locked = plan([sc('on', { featureGates: { OldThing: true } }), sc('off', { featureGates: { OldThing: false } })], t);
    expect(locked.clusters[0]?.profile.featureGates).toEqual({});
    expect(locked.skips).toEqual([{ id: 'off', reason: 'needs OldThing=false, but OldThing is locked on in 1.38 (ga)', kind: 'verdict' }]);
  });

  it('treats a gate the source no longer declares as always on when the table has it GA then removed', () => {
    // v1.37 source: LegacyServiceAccountTokenTracking went GA in 1.28 and was removed in 1.30.
    const t = target('1.37.2', { sourceGates: sourceGatesOf({ OldThing: [[20, 'GA', true, true]] }) });
    const on = plan([sc('track', { featureGates: { LegacyServiceAccountTokenTracking: true } })], t);
    expect(on.skips).toEqual([]);
    expect(on.clusters[0]?.profile.featureGates).toEqual({});
    expect(on.notes.join('\n')).toMatch(/LegacyServiceAccountTokenTracking went GA in 1.28 and was removed in 1.30/);
    expect(plan([sc('off', { featureGates: { LegacyServiceAccountTokenTracking: false } })], t).skips[0]?.reason).toMatch(/needs LegacyServiceAccountTokenTracking=false, but .* always on/);
    // a gate neither the source nor the table knows is still refused
    expect(plan([sc('x', { featureGates: { NeverWasAGate: true } })], t).skips[0]?.reason).toMatch(/does not exist at the target/);
  });

  it('shares a cluster between compatible scenarios and splits incompatible ones', () => {
    const p = plan(
      [
        sc('on', { featureGates: { UserNamespacesSupport: true } }),
        sc('off', { featureGates: { UserNamespacesSupport: false } }),
        sc('rc', { runtimeConfig: { 'x.io/v1beta1': 'true' } }),
        sc('flag', { apiServerFlags: { 'authentication-config': 'a' } }),
        sc('flag2', { apiServerFlags: { 'authentication-config': 'b' } }),
      ],
      target('1.31.0'),
    );
    expect(p.clusters.map((c) => c.scenarios)).toEqual([['on', 'rc', 'flag'], ['off', 'flag2']]);
    expect(p.clusters.every((c) => c.provider === 'local')).toBe(true);
  });

  it('sends node scenarios to kind and skips them where kind cannot run', () => {
    const s = [sc('api'), sc('pods', { needs: 'node' })];
    expect(plan(s, target('1.33.0')).clusters.map((c) => [c.provider, c.scenarios])).toEqual([['local', ['api']], ['kind', ['pods']]]);
    const noKind = plan(s, target('1.33.0', { providers: { local: true, kind: 'the Docker daemon is not reachable' } }));
    expect(noKind.skips).toEqual([{ id: 'pods', reason: 'needs running pods (a kubelet), and kind cannot run here: the Docker daemon is not reachable', kind: 'environment' }]);
  });

  it('checks an existing cluster instead of configuring it', () => {
    const t = target('1.30.2', { existing: { featureGates: { UserNamespacesSupport: false }, hasNodes: false } });
    const p = plan([sc('u', { featureGates: { UserNamespacesSupport: true } }), sc('n', { needs: 'node' }), sc('ok')], t);
    expect(p.skips.map((x) => x.id)).toEqual(['u', 'n']);
    expect(p.skips[0]?.reason).toMatch(/needs feature gate UserNamespacesSupport=true; the cluster has it off/);
    expect(p.clusters).toEqual([expect.objectContaining({ provider: 'existing', scenarios: ['ok'] })]);
  });

  it('merges profiles only without conflicts', () => {
    const a = { ...emptyProfile(), files: [{ name: 'f', content: '1' }], workers: 1 };
    expect(mergeProfiles(a, { ...emptyProfile(), workers: 2 })?.workers).toBe(2);
    expect(mergeProfiles(a, { ...emptyProfile(), files: [{ name: 'f', content: '2' }] })).toBeUndefined();
  });
});

describe('select', () => {
  const all = [sc('create-token', {}, { tags: ['sig-auth'] }), sc('cronjob-timezone', {}, { kep: 3140 }), sc('grpc-probe')];
  it('selects by id, glob, tag and kep', () => {
    expect(select(all, ['grpc-probe']).map((s) => s.id)).toEqual(['grpc-probe']);
    expect(select(all, ['*-t*']).map((s) => s.id)).toEqual(['create-token', 'cronjob-timezone']);
    expect(select(all, ['tag:sig-auth', 'kep:3140']).map((s) => s.id)).toEqual(['create-token', 'cronjob-timezone']);
    expect(select(all, []).length).toBe(3);
  });
  it('refuses a selector that matches nothing', () => {
    expect(() => select(all, ['nope'])).toThrow(/selector "nope" matches no scenario/);
  });
});

describe('skip kinds', () => {
  it('a version outside the range, a gate that does not exist yet, a withdrawn KEP: verdicts', () => {
    const p = plan(
      [
        sc('range', {}, { versions: '>=1.40' }),
        sc('gate', { featureGates: { CronJobTimeZone: true } }),
        sc('withdrawn', { perVersion: [{ versions: '>=1.20', skip: 'KEP withdrawn' }] }),
      ],
      target('1.23.0'),
    );
    expect(p.skips.map((s) => [s.id, s.kind])).toEqual([['range', 'verdict'], ['gate', 'verdict'], ['withdrawn', 'verdict']]);
  });
  it('no provider able to run it, a forced provider that cannot, a host need: environment', () => {
    const none = target('1.33.0', { providers: { local: 'no binaries', kind: 'the Docker daemon is not reachable' } });
    expect(plan([sc('api')], none).skips).toEqual([expect.objectContaining({ id: 'api', kind: 'environment' })]);
    expect(plan([sc('forced')], { ...none, forceProvider: 'kind' }).skips[0]).toMatchObject({ kind: 'environment', reason: /--provider kind cannot run here/ });
    const host = plan([sc('cg2', { needs: 'node', host: { cgroup: '2' } })], target('1.33.0', { host: { source: 'docker host', kernelVersion: '6.1.0', cgroupVersion: '1' } }));
    expect(host.skips[0]).toMatchObject({ id: 'cg2', kind: 'environment' });
  });
});
