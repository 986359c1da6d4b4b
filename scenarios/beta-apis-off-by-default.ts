// KEP-3136: beta APIs are off by default. Since 1.24 a brand-new beta group/version is not served
// unless kube-apiserver is started with --runtime-config=<group>/<version>=true, so clusters no longer
// get half-finished APIs switched on silently. Feature gates are untouched by this rule.
//
// The scenario needs one new beta API that it enables and one that it leaves alone, in the same
// cluster. For ≥1.34: it enables admissionregistration.k8s.io/v1beta1 (MutatingAdmissionPolicy, beta
// since 1.34, still off by default in 1.37) and checks that coordination.k8s.io/v1beta1
// (LeaseCandidate, beta since 1.33) stays unserved. Both APIs are fixed in run(), and kube-apiserver
// refuses to start with a group/version it does not know, hence versions >=1.34. (Older versions
// would need other APIs per version: requires.perVersion and ctx.stage.apiVersion.)
import { defineScenario, type ScenarioContext } from 'kindlab';
import type { KubernetesObject } from '@kubernetes/client-node';
import { clusterScopedName } from './_support/cluster.js';
import { apiRequest, json } from './_support/http.js';

const ENABLED = { group: 'admissionregistration.k8s.io', version: 'v1beta1', resource: 'mutatingadmissionpolicies' };
const LEFT_OFF = { group: 'coordination.k8s.io', version: 'v1beta1', resource: 'leasecandidates' };

interface APIGroupList {
  groups: Array<{ name: string; versions: Array<{ groupVersion: string; version: string }> }>;
}

export default defineScenario({
  id: 'beta-apis-off-by-default',
  title: 'New beta APIs are served only with --runtime-config',
  kep: 3136,
  tags: ['1.24', 'sig-architecture', 'api'],
  versions: '>=1.34',
  requires: {
    needs: 'api',
    runtimeConfig: { [`${ENABLED.group}/${ENABLED.version}`]: 'true' },
    featureGates: { MutatingAdmissionPolicy: { value: true, components: ['kube-apiserver'] } },
  },
  description:
    `Declares --runtime-config=${ENABLED.group}/${ENABLED.version}=true: that beta group/version is listed in /apis, ` +
    `serves ${ENABLED.resource}, and an object can be created and read through it. In the same cluster ` +
    `${LEFT_OFF.group}/${LEFT_OFF.version} — also a new beta API, not asked for — is absent from /apis and its ` +
    'path answers 404 although its GA sibling is served. Run against a cluster started without the runtime config, ' +
    `the first half fails with "${ENABLED.group}/${ENABLED.version} is not served".`,
  async run(ctx: ScenarioContext) {
    const discovery = await ctx.step('read /apis discovery', async () => json<APIGroupList>(await apiRequest(ctx, { method: 'GET', path: '/apis' })));
    const served = (group: string, version: string) =>
      discovery.groups.some((g) => g.name === group && g.versions.some((v) => v.version === version));

    await ctx.step(`${ENABLED.group}/${ENABLED.version} is served (enabled by runtime config)`, async () => {
      ctx.assert.ok(
        served(ENABLED.group, ENABLED.version),
        `${ENABLED.group}/${ENABLED.version} is not served: the cluster was not started with --runtime-config=${ENABLED.group}/${ENABLED.version}=true`,
      );
      const res = await apiRequest(ctx, { method: 'GET', path: `/apis/${ENABLED.group}/${ENABLED.version}` });
      ctx.assert.equal(res.status, 200, `GET /apis/${ENABLED.group}/${ENABLED.version}: HTTP ${res.status}`);
      ctx.assert.includes(res.body, `"name":"${ENABLED.resource}"`, `the group/version serves ${ENABLED.resource}`);
    });

    await ctx.step(`objects can be created and read through ${ENABLED.group}/${ENABLED.version}`, async () => {
      const name = clusterScopedName(ctx, 'beta-api');
      await ctx.create<KubernetesObject>({
        apiVersion: `${ENABLED.group}/${ENABLED.version}`,
        kind: 'MutatingAdmissionPolicy',
        metadata: { name },
        spec: {
          matchConstraints: {
            resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['configmaps'] }],
          },
          failurePolicy: 'Ignore',
          reinvocationPolicy: 'Never',
          mutations: [{ patchType: 'ApplyConfiguration', applyConfiguration: { expression: 'Object{}' } }],
        },
      } as KubernetesObject);
      const res = await apiRequest(ctx, { method: 'GET', path: `/apis/${ENABLED.group}/${ENABLED.version}/${ENABLED.resource}/${name}` });
      ctx.assert.equal(res.status, 200, `read back through ${ENABLED.version}: HTTP ${res.status}`);
      ctx.assert.equal(json(res).apiVersion, `${ENABLED.group}/${ENABLED.version}`, 'served as the beta version');
    });

    await ctx.step(`${LEFT_OFF.group}/${LEFT_OFF.version} is not served (off by default)`, async () => {
      ctx.assert.ok(served(LEFT_OFF.group, 'v1'), `${LEFT_OFF.group}/v1 (GA) is served`);
      ctx.assert.ok(
        !served(LEFT_OFF.group, LEFT_OFF.version),
        `${LEFT_OFF.group}/${LEFT_OFF.version} is listed in /apis although no scenario asked for it — was the cluster ` +
          'started with extra runtime config such as api/beta=true?',
      );
      const res = await apiRequest(ctx, { method: 'GET', path: `/apis/${LEFT_OFF.group}/${LEFT_OFF.version}/${LEFT_OFF.resource}` });
      ctx.assert.equal(res.status, 404, `GET /apis/${LEFT_OFF.group}/${LEFT_OFF.version}/${LEFT_OFF.resource}: HTTP ${res.status}`);
    });
  },
});
