// Every scenario's needs through the real planner (src/plan) for every minor from 1.24 to the
// newest, checked against ../shared/reference/feature-facts.md: the stage the scenario runs at,
// the gates set, the runtime config, the API version it talks to, and where it is skipped and why.
// The expectations below are written from the facts file, not from the planner's table.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { decide, type PlanTarget } from '../../../src/plan/planner.js';
import { stageFor } from '../../../src/plan/requirements.js';
import type { FeatureStage, Scenario } from '../../../src/scenario/types.js';

const dir = fileURLToPath(new URL('../../../scenarios/', import.meta.url));
const byId = new Map<string, Scenario>();
beforeAll(async () => {
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.ts') && !x.startsWith('_'))) {
    const s = ((await import(/* @vite-ignore */ pathToFileURL(join(dir, f)).href)) as { default: Scenario }).default;
    byId.set(s.id, s);
  }
});

/** 1.37: the newest minor in the facts file (kind's default node image is v1.37.0-rc.1). */
const NEWEST = 37;
const MINORS = Array.from({ length: NEWEST - 24 + 1 }, (_, i) => 24 + i);

const target = (version: string): PlanTarget => ({ version, description: `v${version}`, providers: { local: true, kind: true } });

interface Want {
  stage?: FeatureStage;
  gates?: Record<string, boolean>;
  runtimeConfig?: string[];
  api?: string;
  kubelet?: Record<string, unknown>;
}
/** Outside the scenario's range, or where its feature does not exist: a skip with the reason. */
const SKIP = 'skip' as const;
/** A skip the scenario declares itself (perVersion `skip`), with the reason it must give. */
interface SkipBecause {
  skip: RegExp;
}
type Expected = Want | typeof SKIP | SkipBecause;
type Step = readonly [from: number, want: Expected];
const isSkip = (w: Expected): w is typeof SKIP | SkipBecause => w === SKIP || (typeof w === 'object' && 'skip' in w);

/** Expectations as a timeline: each step holds from its minor until the next step. */
const from = (...steps: Step[]) => (m: number): Expected => {
  let cur: Expected = SKIP;
  for (const [f, w] of steps) if (m >= f) cur = w;
  return cur;
};

const ADM = 'admissionregistration.k8s.io';
const AUTHN = 'apiserver.config.k8s.io';

// Section numbers refer to the facts file.
const EXPECTED: Record<string, (m: number) => Expected> = {
  // §3: β 1.23 on, flipped off in 1.24, β on 1.25, GA 1.26, removed 1.29.
  'job-tracking-finalizer': from(
    [24, { stage: 'beta', gates: { JobTrackingWithFinalizers: true } }],
    [26, { stage: 'ga' }],
  ),
  // §8: α 1.24, β 1.25, GA 1.27, removed 1.29.
  'cronjob-timezone': from([24, { stage: 'alpha', gates: { CronJobTimeZone: true } }], [25, { stage: 'beta', gates: { CronJobTimeZone: true } }], [27, { stage: 'ga' }]),
  // §9: α 1.24–1.34, β from 1.35 (default on/off/on: the gate is set either way).
  'statefulset-max-unavailable': from([24, { stage: 'alpha', gates: { MaxUnavailableStatefulSet: true } }], [35, { stage: 'beta', gates: { MaxUnavailableStatefulSet: true } }]),
  // §17: α 1.26, β 1.27, GA 1.31, removed 1.33.
  'pdb-unhealthy-pod-eviction': from(
    [26, { stage: 'alpha', gates: { PDBUnhealthyPodEvictionPolicy: true } }],
    [27, { stage: 'beta', gates: { PDBUnhealthyPodEvictionPolicy: true } }],
    [31, { stage: 'ga' }],
  ),
  // §17: α 1.28, β 1.29, GA 1.33.
  'sidecar-containers': from([28, { stage: 'alpha', gates: { SidecarContainers: true } }], [29, { stage: 'beta', gates: { SidecarContainers: true } }], [33, { stage: 'ga' }]),
  // §17: α 1.32, β 1.34.
  'pod-level-resources': from([32, { stage: 'alpha', gates: { PodLevelResources: true } }], [34, { stage: 'beta', gates: { PodLevelResources: true } }]),
  // §17: β 1.33, GA 1.35 (the scenario uses pods/resize, 1.33+).
  'in-place-pod-resize': from([33, { stage: 'beta', gates: { InPlacePodVerticalScaling: true } }], [35, { stage: 'ga' }]),
  // §16, §4: v1alpha1 1.32–1.33, v1beta1 1.34–1.35 (gate + runtime config each), v1 1.36.
  'mutating-admission-policy': from(
    [32, { stage: 'alpha', gates: { MutatingAdmissionPolicy: true }, runtimeConfig: [`${ADM}/v1alpha1`], api: `${ADM}/v1alpha1` }],
    [34, { stage: 'beta', gates: { MutatingAdmissionPolicy: true }, runtimeConfig: [`${ADM}/v1beta1`], api: `${ADM}/v1beta1` }],
    [36, { stage: 'ga', api: `${ADM}/v1` }],
  ),
  // §4: admissionregistration.k8s.io/v1beta1 from 1.28 (ValidatingAdmissionPolicy's, then from 1.34 MutatingAdmissionPolicy's, whose gate it needs while beta).
  'beta-apis-off-by-default': from(
    [24, { skip: /^no two beta APIs introduced since the rule exist before 1\.28/ }],
    [28, { runtimeConfig: [`${ADM}/v1beta1`] }],
    [34, { gates: { MutatingAdmissionPolicy: true }, runtimeConfig: [`${ADM}/v1beta1`] }],
    [36, { runtimeConfig: [`${ADM}/v1beta1`] }],
  ),
  // §13: α 1.29, β 1.30.
  'exec-websockets': from(
    [29, { stage: 'alpha', gates: { TranslateStreamCloseWebsocketRequests: true } }],
    [30, { stage: 'beta', gates: { TranslateStreamCloseWebsocketRequests: true } }],
  ),
  // §13: PortForwardWebsockets α 1.30, β 1.31 (GA not verified: the gate is still set at 1.37).
  'portforward-websockets': from(
    [30, { stage: 'alpha', gates: { PortForwardWebsockets: true } }],
    [31, { stage: 'beta', gates: { PortForwardWebsockets: true } }],
  ),
  // §12: UserNamespacesStatelessPodsSupport α 1.25–1.27 (removed 1.28), renamed UserNamespacesSupport:
  // α 1.28–1.29, β off 1.30–1.32, β on 1.33, GA 1.36. The gate set is the release's own name.
  'user-namespaces': from(
    [25, { stage: 'alpha', gates: { UserNamespacesStatelessPodsSupport: true } }],
    [28, { stage: 'alpha', gates: { UserNamespacesSupport: true } }],
    [30, { stage: 'beta', gates: { UserNamespacesSupport: true } }],
    [36, { stage: 'ga' }],
  ),
  // §17: α 1.27, β off 1.30, GA 1.36; the kubelet config at every version.
  'node-log-query': from(
    [27, { stage: 'alpha', gates: { NodeLogQuery: true }, kubelet: { enableSystemLogHandler: true, enableSystemLogQuery: true } }],
    [30, { stage: 'beta', gates: { NodeLogQuery: true }, kubelet: { enableSystemLogHandler: true, enableSystemLogQuery: true } }],
    [36, { stage: 'ga', kubelet: { enableSystemLogHandler: true, enableSystemLogQuery: true } }],
  ),
  // §17: α 1.25, β 1.30.
  'container-checkpoint': from([25, { stage: 'alpha', gates: { ContainerCheckpoint: true } }], [30, { stage: 'beta', gates: { ContainerCheckpoint: true } }]),
  // §5: NoAutoGeneration β 1.24, GA 1.26, removed 1.29; Tracking α 1.26, β 1.27, GA 1.28, removed 1.30.
  'sa-token-no-autogen': from(
    [24, { stage: 'beta', gates: { LegacyServiceAccountTokenNoAutoGeneration: true } }],
    [26, { stage: 'ga', gates: { LegacyServiceAccountTokenTracking: true } }],
    [28, { stage: 'ga' }],
  ),
  // §7: α 1.23, β 1.24, GA 1.27, removed 1.29.
  'grpc-probe': from([24, { stage: 'beta', gates: { GRPCContainerProbe: true } }], [27, { stage: 'ga' }]),
  // §14: α 1.29 (v1alpha1 file), β 1.30 (v1beta1), GA 1.34.
  'structured-authn-config': from(
    [29, { stage: 'alpha', gates: { StructuredAuthenticationConfiguration: true }, api: `${AUTHN}/v1alpha1` }],
    [30, { stage: 'beta', gates: { StructuredAuthenticationConfiguration: true }, api: `${AUTHN}/v1beta1` }],
    [34, { stage: 'ga', api: `${AUTHN}/v1beta1` }],
  ),
  // §15, §4: v1alpha1 1.26–1.27, v1beta1 1.28–1.29 (gate + runtime config each), v1 1.30, gate removed 1.32.
  'validating-admission-policy': from(
    [26, { stage: 'alpha', gates: { ValidatingAdmissionPolicy: true }, runtimeConfig: [`${ADM}/v1alpha1`], api: `${ADM}/v1alpha1` }],
    [28, { stage: 'beta', gates: { ValidatingAdmissionPolicy: true }, runtimeConfig: [`${ADM}/v1beta1`], api: `${ADM}/v1beta1` }],
    [30, { stage: 'ga', api: `${ADM}/v1` }],
  ),
  // §17: MultiCIDRRangeAllocator α 1.25–1.28 with the v1alpha1 ClusterCIDR API; gate and API removed in 1.29
  // (KEP withdrawn): the scenario's own skip says so.
  'multi-cluster-cidr': from(
    [25, { stage: 'alpha', gates: { MultiCIDRRangeAllocator: true }, runtimeConfig: ['networking.k8s.io/v1alpha1'], api: 'networking.k8s.io/v1alpha1' }],
    [29, { skip: /^KEP-2593 \(multiple cluster CIDRs\) was withdrawn without leaving alpha: Kubernetes 1\.29 removed .*ClusterCIDR API/ }],
  ),
  // §10; singleProcessOOMKill is a KubeletConfiguration field from 1.32.
  // 1.28–1.31: a cgroup v2 kubelet kills the whole container, and singleProcessOOMKill is 1.32's.
  'kubelet-oom-metric': from([24, {}], [28, { skip: /^from 1\.28 a cgroup v2 kubelet OOM-kills the whole container/ }], [32, { kubelet: { singleProcessOOMKill: true } }]),
  // No feature gate: the same needs everywhere in range.
  'create-token': from([24, {}]),
  'dynamic-kubelet-config-removed': from([24, {}]),
  'kubectl-subresource': from([24, {}]),
  'runtime-not-docker': from([24, {}]),
  'etcd-version': from([24, {}]),
};

describe('scenario needs through the planner, 1.24 to 1.' + NEWEST, () => {
  it('covers every scenario', () => {
    expect([...byId.keys()].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [id, want] of Object.entries(EXPECTED)) {
    describe(id, () => {
      for (const m of MINORS) {
        const w = want(m);
        const version = `1.${m}.0`;
        it(`1.${m}: ${isSkip(w) ? 'skipped' : `${w.stage ?? 'no feature stage'}, gates ${JSON.stringify(w.gates ?? {})}${w.api ? `, ${w.api}` : ''}`}`, () => {
          const s = byId.get(id)!;
          const d = decide(s, target(version));
          if (isSkip(w)) {
            expect(d.ok, 'skipped').toBe(false);
            if (!d.ok) expect(d.reason).toMatch(w === SKIP ? /^needs Kubernetes |does not exist yet/ : w.skip);
            expect(stageFor(s, { version })).toBeUndefined();
            return;
          }
          expect(d.ok ? '' : d.reason, 'not skipped').toBe('');
          if (!d.ok) return;
          expect(d.stage.stage, 'stage').toBe(w.stage);
          expect(d.needs.profile.featureGates, 'gates').toEqual(w.gates ?? {});
          expect(Object.keys(d.needs.profile.runtimeConfig).sort(), 'runtime config').toEqual((w.runtimeConfig ?? []).sort());
          for (const v of Object.values(d.needs.profile.runtimeConfig)) expect(v).toBe('true');
          expect(d.stage.apiVersion, 'API version').toBe(w.api);
          expect(d.needs.profile.kubelet, 'kubelet').toEqual(w.kubelet ?? {});
          // What the runner gives the scenario as ctx.stage is the planner's choice.
          expect(stageFor(s, { version })).toEqual(d.stage);
          expect(d.stage.why.length).toBeGreaterThan(10);
        });
      }
    });
  }
});

describe('what the planner makes of particular needs', () => {
  it('says why a feature is missing where the range and the gate lifecycle both exclude the version', () => {
    const d = decide(byId.get('validating-admission-policy')!, target('1.25.0'));
    expect(d.ok ? '' : d.reason).toBe('needs Kubernetes >=1.26; the target is v1.25.0 (ValidatingAdmissionPolicy does not exist yet in 1.25 (it appears as alpha in 1.26))');
  });

  it('explains the stage: gate set where beta, nothing where GA, with the API version', () => {
    const beta = decide(byId.get('validating-admission-policy')!, target('1.28.4'));
    expect(beta.ok && beta.stage.why).toBe(
      'ValidatingAdmissionPolicy is beta, off by default in 1.28: gate ValidatingAdmissionPolicy=true; the needs for stage beta (runtime config admissionregistration.k8s.io/v1beta1); API admissionregistration.k8s.io/v1beta1',
    );
    const ga = decide(byId.get('cronjob-timezone')!, target('1.30.0'));
    expect(ga.ok && ga.stage.why).toBe('CronJobTimeZone is GA since 1.27 (gate removed in 1.29) in 1.30: no gate to set');
  });

  it('gives structured-authn-config the file in the version the API server reads, and the flag', () => {
    for (const [v, api] of [
      ['1.29.0', 'v1alpha1'],
      ['1.30.0', 'v1beta1'],
      ['1.37.2', 'v1beta1'],
    ] as const) {
      const d = decide(byId.get('structured-authn-config')!, target(v));
      expect(d.ok, v).toBe(true);
      if (!d.ok) continue;
      expect(d.needs.profile.apiServerExtraArgs).toEqual({ 'authentication-config': '${KINDLAB_FILES}/authn.yaml' });
      expect(d.needs.profile.files.map((f) => f.name)).toEqual(['authn.yaml']);
      expect(d.needs.profile.files[0]!.content).toMatch(new RegExp(`^apiVersion: apiserver\\.config\\.k8s\\.io/${api}\\n`));
      expect(d.needs.provider).toBe('local');
    }
  });

  it('sends node scenarios to kind and API scenarios to local', () => {
    const at = target('1.37.2');
    const provider = (id: string) => {
      const d = decide(byId.get(id)!, at);
      return d.ok ? d.needs.provider : d.reason;
    };
    expect(provider('kubelet-oom-metric')).toBe('kind');
    expect(provider('create-token')).toBe('local');
  });

  it('checks user-namespaces against the docker host before a kind cluster is made', () => {
    const s = byId.get('user-namespaces')!;
    const old = decide(s, { ...target('1.33.0'), host: { source: 'docker host', os: 'linux', kernelVersion: '5.15.0-105-generic', cgroupVersion: '2' } });
    expect(old.ok ? '' : old.reason).toBe('needs Linux ≥ 6.3 (idmap mounts for pod volumes (tmpfs)); the docker host runs 5.15.0-105-generic');
    const fine = decide(s, { ...target('1.33.0'), host: { source: 'docker host', os: 'linux', kernelVersion: '6.18.44-fc-v657', cgroupVersion: '1' } });
    expect(fine.ok).toBe(true);
    // docker info does not say which containerd the kind node image has: unknown, not assumed.
    expect(fine.ok && fine.unknown).toEqual([expect.stringMatching(/containerd ≥ 2\.0 or cri-o ≥ 1\.25 \(the docker host does not report its container runtime\)/)]);
  });
});
