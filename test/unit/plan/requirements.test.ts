import { describe, expect, it } from 'vitest';
import { plan, type PlanTarget } from '../../../src/plan/planner.js';
import { featureAt } from '../../../src/plan/gates.js';
import { sourceGatesOf } from '../../helpers/source-gates.js';
import { requirementProblems, requirementsFor, resolveRequirements, stageFor } from '../../../src/plan/requirements.js';
import { defineScenario, type Scenario, type ScenarioRequirements } from '../../../src/scenario/types.js';

const sc = (id: string, requires: ScenarioRequirements = {}, extra: Partial<Scenario> = {}): Scenario =>
  defineScenario({ id, title: id, requires, run: async () => {}, ...extra });
const target = (version: string, extra: Partial<PlanTarget> = {}): PlanTarget => ({ version, description: `v${version}`, providers: { local: true, kind: true }, ...extra });

const vap = sc('vap', {
  needs: 'api',
  feature: 'ValidatingAdmissionPolicy',
  perVersion: [
    { stage: 'alpha', runtimeConfig: { 'admissionregistration.k8s.io/v1alpha1': 'true' }, apiVersion: 'admissionregistration.k8s.io/v1alpha1' },
    { stage: 'beta', runtimeConfig: { 'admissionregistration.k8s.io/v1beta1': 'true' }, apiVersion: 'admissionregistration.k8s.io/v1beta1' },
    { stage: 'ga', apiVersion: 'admissionregistration.k8s.io/v1' },
  ],
});

describe('featureAt', () => {
  it('gives the stage, and GA for a gate removed after GA', () => {
    expect(featureAt('ValidatingAdmissionPolicy', 28)).toMatchObject({ exists: true, stage: 'beta', defaultOn: false, locked: false });
    expect(featureAt('ValidatingAdmissionPolicy', 33)).toMatchObject({ exists: true, stage: 'ga', locked: true, removed: 32, summary: 'GA since 1.30 (gate removed in 1.32)' });
    expect(featureAt('ValidatingAdmissionPolicy', 25)).toEqual({ exists: false, notYet: true, reason: 'ValidatingAdmissionPolicy does not exist yet in 1.25 (it appears as alpha in 1.26)' });
    expect(featureAt('MultiCIDRRangeAllocator', 30)).toMatchObject({ exists: false, reason: expect.stringMatching(/removed in 1.29 without graduating/) });
  });

  it('reads the target\'s source: its specs decide; a gate it does not declare is gone (GA in the table) or missing', () => {
    const src = sourceGatesOf({ BrandNewThing: [[38, 'Alpha', false]], PodLevelResources: [[32, 'Alpha', false], [34, 'Beta', true]], GRPCContainerProbeTLS: [[37, 'Alpha', false]] });
    expect(featureAt('PodLevelResources', 38, 0, src)).toMatchObject({ exists: true, stage: 'beta', defaultOn: true, summary: 'beta, on by default' });
    expect(featureAt('GRPCContainerProbeTLS', 37, 0, src)).toMatchObject({ exists: true, stage: 'alpha', defaultOn: false });
    expect(featureAt('SidecarContainers', 38, 0, src)).toMatchObject({ exists: true, stage: 'ga', summary: 'GA (the gate is gone at the target)' });
    expect(featureAt('ContainerCheckpoint', 38, 0, src)).toMatchObject({ exists: false, reason: expect.stringMatching(/does not exist at the target \(kindlab's table has it beta in 1.38\)/) });
    expect(featureAt('BrandNewThing', 38, 0, src)).toMatchObject({ exists: true, stage: 'alpha' });
    expect(featureAt('BrandNewThing', 37, 0, src)).toMatchObject({ exists: false });
    expect(featureAt('GRPCContainerProbeTLS', 37)).toMatchObject({ exists: false, reason: expect.stringMatching(/source was not read/) });
  });
});

describe('resolveRequirements', () => {
  it('picks the entry of the stage: runtime config, gate and API version follow the version', () => {
    const at = (v: string) => resolveRequirements(vap, { version: v });
    const a = at('1.27.3');
    expect(a.ok && a.requirements).toMatchObject({ featureGates: { ValidatingAdmissionPolicy: true }, runtimeConfig: { 'admissionregistration.k8s.io/v1alpha1': 'true' } });
    expect(a.ok && a.stage).toMatchObject({ version: '1.27.3', stage: 'alpha', apiVersion: 'admissionregistration.k8s.io/v1alpha1', entry: 0 });
    const g = at('1.31.0');
    expect(g.ok && g.requirements.featureGates).toEqual({});
    expect(g.ok && g.requirements.runtimeConfig).toEqual({});
    expect(g.ok && g.stage).toMatchObject({ stage: 'ga', apiVersion: 'admissionregistration.k8s.io/v1', entry: 2 });
    expect(at('1.25.9')).toEqual({ ok: false, reason: 'ValidatingAdmissionPolicy does not exist yet in 1.25 (it appears as alpha in 1.26)' });
  });

  it('adds version-range entries to the base needs; no matching entry means the base alone', () => {
    const s = sc('oom', { needs: 'node', images: ['busybox'], kubelet: { a: 1 }, perVersion: [{ versions: '>=1.32', kubelet: { singleProcessOOMKill: true }, images: ['agnhost'] }] });
    const old = resolveRequirements(s, { version: '1.31.2' });
    expect(old.ok && old.requirements).toMatchObject({ kubelet: { a: 1 }, images: ['busybox'] });
    expect(old.ok && old.stage).toEqual({ version: '1.31.2', why: 'the same needs at every version' });
    const now = resolveRequirements(s, { version: '1.32.0' });
    expect(now.ok && now.requirements).toMatchObject({ kubelet: { a: 1, singleProcessOOMKill: true }, images: ['busybox', 'agnhost'] });
    expect(now.ok && now.stage.why).toBe('the needs for Kubernetes >=1.32');
  });

  it('lets an entry say the scenario cannot run there, before the feature lifecycle is asked', () => {
    const s = sc('renamed', { feature: 'UserNamespacesSupport', perVersion: [{ versions: '<1.28', skip: 'this KEP was UserNamespacesStatelessPodsSupport before 1.28' }] });
    expect(resolveRequirements(s, { version: '1.27.0' })).toEqual({ ok: false, reason: 'this KEP was UserNamespacesStatelessPodsSupport before 1.28' });
    expect(resolveRequirements(s, { version: '1.30.0' })).toMatchObject({ ok: true, requirements: { featureGates: { UserNamespacesSupport: true } } });
  });

  it('keeps an explicit value for the feature gate and replaces files of the same name', () => {
    const s = sc('f', { feature: 'PodLevelResources', files: [{ name: 'a', content: '1' }], perVersion: [{ stage: 'beta', files: [{ name: 'a', content: '2' }], featureGates: { PodLevelResources: false } }] });
    const r = resolveRequirements(s, { version: '1.34.0' });
    expect(r.ok && r.requirements.files).toEqual([{ name: 'a', content: '2' }]);
    expect(r.ok && r.requirements.featureGates).toEqual({ PodLevelResources: false });
  });

  it('gives the runner ctx.stage and the images of the version', () => {
    expect(stageFor(vap, { version: '1.28.0' })?.apiVersion).toBe('admissionregistration.k8s.io/v1beta1');
    expect(stageFor(vap, { version: '1.24.0' })).toBeUndefined();
    const s = sc('img', { images: ['a'], perVersion: [{ versions: '>=1.30', images: ['b'] }] });
    expect(requirementsFor(s, { version: '1.30.1' }).images).toEqual(['a', 'b']);
    expect(requirementsFor(s, { version: '1.29.1' }).images).toEqual(['a']);
  });

  it('finds mistakes in declarations', () => {
    expect(requirementProblems(sc('x', { perVersion: [{ stage: 'beta' }, { kubelet: {} }, { versions: 'not a range' }] }))).toEqual([
      'perVersion[0] names a stage but the scenario names no feature',
      'perVersion[1] has neither versions nor stage: it would match every version',
      'perVersion[2].versions "not a range" is not a semver range',
    ]);
    expect(requirementProblems(sc('y', { feature: 'CronJobTimezone' }))).toEqual(["feature CronJobTimezone is not in kindlab's gate-lifecycle table"]);
    expect(requirementProblems(vap)).toEqual([]);
  });
});

describe('plan with per-version needs', () => {
  it('records per scenario the stage it runs at and why', () => {
    const p = plan([vap, sc('plain')], target('1.29.1'));
    expect(p.clusters).toHaveLength(1);
    expect(p.clusters[0]!.profile.runtimeConfig).toEqual({ 'admissionregistration.k8s.io/v1beta1': 'true' });
    expect(p.clusters[0]!.chosen.vap).toEqual({
      stage: expect.objectContaining({ stage: 'beta', apiVersion: 'admissionregistration.k8s.io/v1beta1', why: expect.stringMatching(/^ValidatingAdmissionPolicy is beta, off by default in 1.29: gate ValidatingAdmissionPolicy=true/) }),
      unknown: [],
    });
    expect(p.clusters[0]!.chosen.plain?.stage.why).toBe('the same needs at every version');
  });

  it('shares a cluster when the needs chosen for the version do not conflict', () => {
    const map = sc('map', { feature: 'MutatingAdmissionPolicy', perVersion: [{ stage: 'alpha', runtimeConfig: { 'admissionregistration.k8s.io/v1alpha1': 'true' } }] }, { versions: '>=1.32' });
    const p = plan([vap, map], target('1.33.0'));
    expect(p.clusters.map((c) => c.scenarios)).toEqual([['vap', 'map']]);
    expect(p.clusters[0]!.profile.runtimeConfig).toEqual({ 'admissionregistration.k8s.io/v1alpha1': 'true' });
  });

  it('checks an existing cluster: served APIs, kubelet configz, workers and host; unread facts are unknown', () => {
    const nodes = [
      { name: 'cp', ready: true, controlPlane: true, nodeInfo: { operatingSystem: 'linux', kernelVersion: '6.8.0', containerRuntimeVersion: 'containerd://2.1.0' }, configz: { kubeletconfig: { singleProcessOOMKill: true } } },
      { name: 'w1', ready: true, controlPlane: false, nodeInfo: { operatingSystem: 'linux', kernelVersion: '6.8.0', containerRuntimeVersion: 'containerd://2.1.0' }, configz: '{"kubeletconfig":{}}' },
    ];
    const existing = (extra: object = {}) => target('1.33.0', { existing: { featureGates: {}, hasNodes: true, ...extra } });
    const oom = sc('oom', { needs: 'node', kubelet: { singleProcessOOMKill: true } });
    expect(plan([oom], existing({ nodes })).skips[0]?.reason).toBe(
      "needs the kubelet's singleProcessOOMKill: true; node w1 runs with it unset (existing clusters cannot be reconfigured)",
    );
    const unread = plan([oom], existing());
    expect(unread.skips).toEqual([]);
    expect(unread.clusters[0]!.chosen.oom?.unknown).toEqual(['kubelet configuration (singleProcessOOMKill: true) not checked: the nodes were not read']);

    const two = sc('two', { needs: 'node', workers: 2 });
    expect(plan([two], existing({ nodes })).skips[0]?.reason).toBe('needs 2 ready worker node(s); the cluster has 1');

    const userns = sc('userns', { needs: 'node', host: { kernel: '6.3', runtime: { containerd: '2.2' } } });
    expect(plan([userns], existing({ nodes })).skips[0]?.reason).toBe('needs containerd ≥ 2.2; the node cp runs containerd 2.1.0');

    const beta = sc('beta', { runtimeConfig: { 'admissionregistration.k8s.io/v1beta1': 'true' } });
    expect(plan([beta], existing({ servedApis: ['v1', 'admissionregistration.k8s.io/v1'] })).skips[0]?.reason).toBe(
      'needs admissionregistration.k8s.io/v1beta1 served (--runtime-config admissionregistration.k8s.io/v1beta1=true); the cluster does not serve it (existing clusters cannot be reconfigured)',
    );
    expect(plan([beta], existing({ servedApis: ['admissionregistration.k8s.io/v1beta1'] })).skips).toEqual([]);
    expect(plan([beta], existing()).clusters[0]!.chosen.beta?.unknown).toEqual([
      'runtime config admissionregistration.k8s.io/v1beta1 not checked: the served API versions were not read',
    ]);
  });
});

describe('scenarios whose API server must reach this machine', () => {
  it('go to the local provider, never to kind, and say why when only kind is left', async () => {
    const { plan } = await import('../../../src/plan/planner.js');
    const s = { id: 'issuer', title: 'x', requires: { needs: 'api' as const, apiServerReachesHostLoopback: 'an issuer on 127.0.0.1:1' }, run: async () => {} };
    const both = plan([s], { version: '1.37.2', description: 'v1.37.2', providers: { local: true, kind: true } });
    expect(both.clusters.map((c) => c.provider)).toEqual(['local']);
    const kindOnly = plan([s], { version: '1.37.2', description: 'v1.37.2', providers: { local: 'no binaries', kind: true } });
    expect(kindOnly.clusters).toEqual([]);
    expect(kindOnly.skips[0]?.reason).toMatch(/reaches this machine's loopback \(an issuer on 127.0.0.1:1\); kind runs kube-apiserver inside a node container, and local cannot run here: no binaries/);
  });
});
