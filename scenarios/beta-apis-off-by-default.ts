// KEP-3136: beta APIs are off by default. Since 1.24 a brand-new beta API is not served unless
// kube-apiserver is started with --runtime-config=<group>/<version>=true, so clusters no longer get
// half-finished APIs switched on silently. Feature gates are untouched by this rule.
//
// The scenario needs two beta APIs introduced after the rule, in the same cluster: one it enables
// and one it leaves alone, which no other scenario of the catalogue asks for (the planner puts
// scenarios with compatible needs on one cluster). An API server stops serving a beta API at the
// release its type says it is removed, whatever --runtime-config asks, so the pair follows the
// version (betaApis; the removals from k8s.io/api's prerelease-lifecycle files):
//   1.28–1.32  enables admissionregistration.k8s.io/v1beta1 (ValidatingAdmissionPolicy, 1.28–1.33),
//              leaves authentication.k8s.io/v1beta1 (SelfSubjectReview, 1.27–1.32) off
//   1.33       the same, leaving coordination.k8s.io/v1beta1 (LeaseCandidate, beta from 1.33) off
//   1.34+      enables admissionregistration.k8s.io/v1beta1 for MutatingAdmissionPolicy (1.34–1.39),
//              ValidatingAdmissionPolicy's v1beta1 being gone; leaves coordination.k8s.io/v1beta1 off
// Before 1.28 there is no such pair: 1.24–1.26 added no beta API (every beta served there predates
// the rule and is kept on by name, legacyBetaEnabledByDefaultResources in pkg/controlplane), and
// 1.27 added one.
import { defineScenario, type ScenarioContext } from 'kindlab';
import type { KubernetesObject } from '@kubernetes/client-node';
import { clusterScopedName, minor } from './_support/cluster.js';
import { apiRequest, json } from './_support/http.js';

interface BetaApi {
  group: string;
  version: string;
  resource: string;
}

const ADMISSION_V1BETA1 = { group: 'admissionregistration.k8s.io', version: 'v1beta1' };
const matchConfigMaps = { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['configmaps'] }] };

/** The beta API the scenario enables (and an object of it) and the one it leaves off, at a minor ≥ 28. */
export function betaApis(clusterMinor: number): { enabled: BetaApi & { object: (name: string) => KubernetesObject }; leftOff: BetaApi } {
  const leftOff =
    clusterMinor <= 32
      ? { group: 'authentication.k8s.io', version: 'v1beta1', resource: 'selfsubjectreviews' }
      : { group: 'coordination.k8s.io', version: 'v1beta1', resource: 'leasecandidates' };
  const apiVersion = `${ADMISSION_V1BETA1.group}/${ADMISSION_V1BETA1.version}`;
  if (clusterMinor <= 33) {
    return {
      enabled: {
        ...ADMISSION_V1BETA1,
        resource: 'validatingadmissionpolicies',
        object: (name) => ({ apiVersion, kind: 'ValidatingAdmissionPolicy', metadata: { name }, spec: { matchConstraints: matchConfigMaps, failurePolicy: 'Ignore', validations: [{ expression: 'true' }] } }) as KubernetesObject,
      },
      leftOff,
    };
  }
  return {
    enabled: {
      ...ADMISSION_V1BETA1,
      resource: 'mutatingadmissionpolicies',
      object: (name) =>
        ({
          apiVersion,
          kind: 'MutatingAdmissionPolicy',
          metadata: { name },
          spec: { matchConstraints: matchConfigMaps, failurePolicy: 'Ignore', reinvocationPolicy: 'Never', mutations: [{ patchType: 'ApplyConfiguration', applyConfiguration: { expression: 'Object{}' } }] },
        }) as KubernetesObject,
    },
    leftOff,
  };
}

interface APIGroupList {
  groups: Array<{ name: string; versions: Array<{ groupVersion: string; version: string }> }>;
}

export default defineScenario({
  id: 'beta-apis-off-by-default',
  title: 'New beta APIs are served only with --runtime-config',
  kep: 3136,
  tags: ['1.24', 'sig-architecture', 'api'],
  versions: '>=1.24',
  requires: {
    needs: 'api',
    runtimeConfig: { [`${ADMISSION_V1BETA1.group}/${ADMISSION_V1BETA1.version}`]: 'true' },
    perVersion: [
      {
        versions: '<1.28',
        skip:
          'no two beta APIs introduced since the rule exist before 1.28: 1.24–1.26 added none (their betas predate KEP-3136 ' +
          'and stay on by name) and 1.27 only SelfSubjectReview, so no new beta can be shown off beside one switched on',
      },
      // MutatingAdmissionPolicy's v1beta1 objects need its gate while it is beta (1.34–1.35); the planner drops it at GA
      { versions: '>=1.34', featureGates: { MutatingAdmissionPolicy: { value: true, components: ['kube-apiserver'] } } },
    ],
  },
  description:
    'Declares --runtime-config=admissionregistration.k8s.io/v1beta1=true: that beta group/version is listed in /apis, ' +
    'serves ValidatingAdmissionPolicy (1.28–1.33) or MutatingAdmissionPolicy (1.34+), and an object can be created and ' +
    'read through it. In the same cluster another new beta API, not asked for — authentication.k8s.io/v1beta1 ' +
    '(1.28–1.32) or coordination.k8s.io/v1beta1 (1.33+) — is absent from /apis and its path answers 404 although its GA ' +
    'sibling is served. Run against a cluster started without the runtime config, the first half fails with ' +
    '"admissionregistration.k8s.io/v1beta1 is not served". From 1.28; skipped before with the reason.',
  async run(ctx: ScenarioContext) {
    const { enabled, leftOff } = betaApis(minor(ctx));
    const discovery = await ctx.step('read /apis discovery', async () => json<APIGroupList>(await apiRequest(ctx, { method: 'GET', path: '/apis' })));
    const served = (group: string, version: string) =>
      discovery.groups.some((g) => g.name === group && g.versions.some((v) => v.version === version));

    await ctx.step(`${enabled.group}/${enabled.version} is served (enabled by runtime config)`, async () => {
      ctx.assert.ok(
        served(enabled.group, enabled.version),
        `${enabled.group}/${enabled.version} is not served: the cluster was not started with --runtime-config=${enabled.group}/${enabled.version}=true`,
      );
      const res = await apiRequest(ctx, { method: 'GET', path: `/apis/${enabled.group}/${enabled.version}` });
      ctx.assert.equal(res.status, 200, `GET /apis/${enabled.group}/${enabled.version}: HTTP ${res.status}`);
      ctx.assert.includes(res.body, `"name":"${enabled.resource}"`, `the group/version serves ${enabled.resource}`);
    });

    await ctx.step(`objects can be created and read through ${enabled.group}/${enabled.version}`, async () => {
      const name = clusterScopedName(ctx, 'beta-api');
      await ctx.create<KubernetesObject>(enabled.object(name));
      const res = await apiRequest(ctx, { method: 'GET', path: `/apis/${enabled.group}/${enabled.version}/${enabled.resource}/${name}` });
      ctx.assert.equal(res.status, 200, `read back through ${enabled.version}: HTTP ${res.status}`);
      ctx.assert.equal(json(res).apiVersion, `${enabled.group}/${enabled.version}`, 'served as the beta version');
    });

    await ctx.step(`${leftOff.group}/${leftOff.version} is not served (off by default)`, async () => {
      ctx.assert.ok(served(leftOff.group, 'v1'), `${leftOff.group}/v1 (GA) is served`);
      ctx.assert.ok(
        !served(leftOff.group, leftOff.version),
        `${leftOff.group}/${leftOff.version} is listed in /apis although no scenario asked for it — was the cluster ` +
          'started with extra runtime config such as api/beta=true?',
      );
      const res = await apiRequest(ctx, { method: 'GET', path: `/apis/${leftOff.group}/${leftOff.version}/${leftOff.resource}` });
      ctx.assert.equal(res.status, 404, `GET /apis/${leftOff.group}/${leftOff.version}/${leftOff.resource}: HTTP ${res.status}`);
    });
  },
});
