// KEP-3136: beta APIs are off by default. Since 1.24 a brand-new beta API is not served unless
// kube-apiserver is started with --runtime-config=<group>/<version>=true, so clusters no longer get
// half-finished APIs switched on silently. Feature gates are untouched by this rule.
//
// The scenario needs two beta APIs introduced after the rule, in the same cluster: one it enables
// and one it leaves alone. From 1.28 both exist in every release up to 1.37: it enables
// authentication.k8s.io/v1beta1 (SelfSubjectReview, beta since 1.27) and checks that
// admissionregistration.k8s.io/v1beta1 (ValidatingAdmissionPolicy, beta since 1.28, GA in 1.30,
// its v1beta1 kept and off) stays unserved beside its GA sibling. Before 1.28 there is no such pair:
// 1.24–1.26 added no beta API (every beta served there predates the rule and is kept on by name,
// legacyBetaEnabledByDefaultResources in pkg/controlplane), and 1.27 added one.
import { defineScenario, type ScenarioContext } from 'kindlab';
import { apiRequest, json } from './_support/http.js';

const ENABLED = { group: 'authentication.k8s.io', version: 'v1beta1', resource: 'selfsubjectreviews' };
const LEFT_OFF = { group: 'admissionregistration.k8s.io', version: 'v1beta1', resource: 'validatingadmissionpolicies' };

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
    runtimeConfig: { [`${ENABLED.group}/${ENABLED.version}`]: 'true' },
    perVersion: [
      {
        versions: '<1.28',
        skip:
          'no two beta APIs introduced since the rule exist before 1.28: 1.24–1.26 added none (their betas predate KEP-3136 ' +
          'and stay on by name) and 1.27 only SelfSubjectReview, so no new beta can be shown off beside one switched on',
      },
    ],
  },
  description:
    `Declares --runtime-config=${ENABLED.group}/${ENABLED.version}=true: that beta group/version is listed in /apis, ` +
    `serves ${ENABLED.resource}, and a SelfSubjectReview created through it names the caller. In the same cluster ` +
    `${LEFT_OFF.group}/${LEFT_OFF.version} — also a new beta API, not asked for — is absent from /apis and its ` +
    'path answers 404 although its GA sibling is served. Run against a cluster started without the runtime config, ' +
    `the first half fails with "${ENABLED.group}/${ENABLED.version} is not served". From 1.28; skipped before with the reason.`,
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

    await ctx.step(`a ${ENABLED.resource} object is created through ${ENABLED.group}/${ENABLED.version}`, async () => {
      // A SelfSubjectReview is not stored: the answer to its create is the object, which names the caller.
      const res = await apiRequest(ctx, {
        method: 'POST',
        path: `/apis/${ENABLED.group}/${ENABLED.version}/${ENABLED.resource}`,
        body: { apiVersion: `${ENABLED.group}/${ENABLED.version}`, kind: 'SelfSubjectReview' },
      });
      ctx.assert.equal(res.status, 201, `POST ${ENABLED.resource} through ${ENABLED.version}: HTTP ${res.status} ${res.body.slice(0, 200)}`);
      const review = json<{ apiVersion?: string; status?: { userInfo?: { username?: string } } }>(res);
      ctx.assert.equal(review.apiVersion, `${ENABLED.group}/${ENABLED.version}`, 'served as the beta version');
      ctx.assert.ok((review.status?.userInfo?.username ?? '') !== '', 'the review names the caller');
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
