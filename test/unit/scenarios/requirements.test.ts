// Every scenario's declared requirements through the real planner (src/plan) for 1.24, 1.27, 1.30,
// 1.33 and 1.37, checked against ../shared/reference/feature-facts.md: which gates end up set, which
// are dropped (locked GA), which scenarios are skipped for their version range, and the runtime
// config the cluster gets.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { decide, type PlanTarget } from '../../../src/plan/planner.js';
import type { Scenario } from '../../../src/scenario/types.js';

const dir = fileURLToPath(new URL('../../../scenarios/', import.meta.url));
const byId = new Map<string, Scenario>();
beforeAll(async () => {
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.ts') && !x.startsWith('_'))) {
    const s = ((await import(/* @vite-ignore */ pathToFileURL(join(dir, f)).href)) as { default: Scenario }).default;
    byId.set(s.id, s);
  }
});

const VERSIONS = ['1.24.0', '1.27.0', '1.30.0', '1.33.0', '1.37.2'] as const;
type V = (typeof VERSIONS)[number];

const target = (version: string): PlanTarget => ({ version, description: `v${version}`, providers: { local: true, kind: true } });

/** What must come out per version: the gates set, or 'range' when `versions` excludes it. */
type Want = Record<string, boolean> | 'range';

// From the facts file (§3, 8, 9, 12, 13, 15–17). Dropped = locked GA (optional to pass) or not needed.
const EXPECTED: Record<string, Record<V, Want>> = {
  'job-tracking-finalizer': {
    '1.24.0': { JobTrackingWithFinalizers: true }, // beta, off by default in 1.24: must be set
    '1.27.0': {}, // GA, locked
    '1.30.0': {}, // gone in 1.29: must not be passed
    '1.33.0': {},
    '1.37.2': {},
  },
  'cronjob-timezone': {
    '1.24.0': { CronJobTimeZone: true }, // alpha in 1.24
    '1.27.0': {}, // GA
    '1.30.0': {}, // removed in 1.29
    '1.33.0': {},
    '1.37.2': {},
  },
  'statefulset-max-unavailable': {
    '1.24.0': { MaxUnavailableStatefulSet: true },
    '1.27.0': { MaxUnavailableStatefulSet: true },
    '1.30.0': { MaxUnavailableStatefulSet: true },
    '1.33.0': { MaxUnavailableStatefulSet: true },
    '1.37.2': { MaxUnavailableStatefulSet: true }, // beta, on again in 1.37
  },
  'pdb-unhealthy-pod-eviction': {
    '1.24.0': 'range',
    '1.27.0': { PDBUnhealthyPodEvictionPolicy: true },
    '1.30.0': { PDBUnhealthyPodEvictionPolicy: true },
    '1.33.0': {}, // GA 1.31, removed 1.33
    '1.37.2': {},
  },
  'sidecar-containers': {
    '1.24.0': 'range',
    '1.27.0': 'range',
    '1.30.0': { SidecarContainers: true },
    '1.33.0': {}, // GA
    '1.37.2': {},
  },
  'pod-level-resources': {
    '1.24.0': 'range',
    '1.27.0': 'range',
    '1.30.0': 'range',
    '1.33.0': { PodLevelResources: true }, // alpha
    '1.37.2': { PodLevelResources: true }, // beta
  },
  'in-place-pod-resize': {
    '1.24.0': 'range',
    '1.27.0': 'range',
    '1.30.0': 'range',
    '1.33.0': { InPlacePodVerticalScaling: true },
    '1.37.2': {}, // GA 1.35, locked
  },
  'mutating-admission-policy': {
    '1.24.0': 'range',
    '1.27.0': 'range',
    '1.30.0': 'range',
    '1.33.0': { MutatingAdmissionPolicy: true }, // alpha, with v1alpha1 runtime config
    '1.37.2': {}, // GA 1.36
  },
  'beta-apis-off-by-default': {
    '1.24.0': 'range',
    '1.27.0': 'range',
    '1.30.0': 'range',
    '1.33.0': 'range',
    '1.37.2': {},
  },
  'exec-websockets': {
    '1.24.0': 'range',
    '1.27.0': 'range',
    '1.30.0': { TranslateStreamCloseWebsocketRequests: true },
    '1.33.0': { TranslateStreamCloseWebsocketRequests: true },
    '1.37.2': { TranslateStreamCloseWebsocketRequests: true },
  },
  'user-namespaces': {
    '1.24.0': 'range',
    '1.27.0': 'range',
    '1.30.0': { UserNamespacesSupport: true }, // beta, off
    '1.33.0': { UserNamespacesSupport: true }, // beta, on
    '1.37.2': {}, // GA 1.36
  },
  'node-log-query': {
    '1.24.0': 'range',
    '1.27.0': { NodeLogQuery: true },
    '1.30.0': { NodeLogQuery: true },
    '1.33.0': { NodeLogQuery: true },
    '1.37.2': {}, // GA 1.36
  },
  'container-checkpoint': {
    '1.24.0': 'range',
    '1.27.0': { ContainerCheckpoint: true },
    '1.30.0': { ContainerCheckpoint: true },
    '1.33.0': { ContainerCheckpoint: true },
    '1.37.2': { ContainerCheckpoint: true },
  },
  // No gates declared; they run wherever their range allows.
  'sa-token-no-autogen': { '1.24.0': {}, '1.27.0': {}, '1.30.0': {}, '1.33.0': {}, '1.37.2': {} },
  'create-token': { '1.24.0': {}, '1.27.0': {}, '1.30.0': {}, '1.33.0': {}, '1.37.2': {} },
  'grpc-probe': { '1.24.0': {}, '1.27.0': {}, '1.30.0': {}, '1.33.0': {}, '1.37.2': {} },
  'dynamic-kubelet-config-removed': { '1.24.0': {}, '1.27.0': {}, '1.30.0': {}, '1.33.0': {}, '1.37.2': {} },
  'kubectl-subresource': { '1.24.0': {}, '1.27.0': {}, '1.30.0': {}, '1.33.0': {}, '1.37.2': {} },
  'runtime-not-docker': { '1.24.0': {}, '1.27.0': {}, '1.30.0': {}, '1.33.0': {}, '1.37.2': {} },
  'kubelet-oom-metric': { '1.24.0': {}, '1.27.0': {}, '1.30.0': {}, '1.33.0': {}, '1.37.2': {} },
  'etcd-version': { '1.24.0': {}, '1.27.0': {}, '1.30.0': {}, '1.33.0': {}, '1.37.2': {} },
  'validating-admission-policy': { '1.24.0': 'range', '1.27.0': 'range', '1.30.0': {}, '1.33.0': {}, '1.37.2': {} },
  'structured-authn-config': { '1.24.0': 'range', '1.27.0': 'range', '1.30.0': {}, '1.33.0': {}, '1.37.2': {} },
};

// Gates removed after going GA (JobTrackingWithFinalizers, CronJobTimeZone, PDBUnhealthyPodEvictionPolicy
// from 1.29/1.33) are dropped by the planner: the behaviour is permanently on.

describe('scenario requirements through the planner', () => {
  it('covers every scenario', () => {
    expect([...byId.keys()].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [id, perVersion] of Object.entries(EXPECTED)) {
    for (const v of VERSIONS) {
      const want = perVersion[v];
      const key = `${id}@${v}`;
      it(`${key}: ${want === 'range' ? 'skipped for its version range' : `gates ${JSON.stringify(want)}`}`, () => {
        const d = decide(byId.get(id)!, target(v));
        if (want === 'range') {
          expect(d.ok).toBe(false);
          if (!d.ok) expect(d.reason).toMatch(/^needs Kubernetes /);
          return;
        }
        expect(d.ok ? '' : d.reason, 'not skipped').toBe('');
        if (d.ok) expect(d.needs.profile.featureGates).toEqual(want);
      });
    }
  }

  it('gives mutating-admission-policy the runtime config for its API version (1.33: v1alpha1)', () => {
    const d = decide(byId.get('mutating-admission-policy')!, target('1.33.0'));
    expect(d.ok && d.needs.profile.runtimeConfig).toEqual({
      'admissionregistration.k8s.io/v1alpha1': 'true',
      'admissionregistration.k8s.io/v1beta1': 'true',
    });
  });

  it('gives beta-apis-off-by-default its runtime config at 1.37', () => {
    const d = decide(byId.get('beta-apis-off-by-default')!, target('1.37.2'));
    expect(d.ok && d.needs.profile.runtimeConfig).toEqual({ 'admissionregistration.k8s.io/v1beta1': 'true' });
  });

  it('gives structured-authn-config its file and flag, and only local can serve it (kind skips at run time)', () => {
    const d = decide(byId.get('structured-authn-config')!, target('1.37.2'));
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.needs.profile.apiServerExtraArgs).toEqual({ 'authentication-config': '${KINDLAB_FILES}/authn.yaml' });
    expect(d.needs.profile.files.map((f) => f.name)).toEqual(['authn.yaml']);
    expect(d.needs.provider).toBe('local');
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
});
