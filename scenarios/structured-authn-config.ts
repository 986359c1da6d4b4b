// KEP-3331: structured authentication configuration. Instead of one OIDC issuer configured by
// --oidc-* flags, kube-apiserver reads an AuthenticationConfiguration file (--authentication-config):
// several JWT issuers at once, claim validation in CEL, claim-to-user mappings with prefixes or CEL
// expressions, and CEL rules over the resulting user. Alpha 1.29, beta (on) 1.30, GA 1.34; the file is reloaded
// without a restart.
//
// The scenario serves its own two issuers (discovery + JWKS over HTTPS) on a FIXED port of this
// machine, because the file the API server reads must exist before the scenario runs: the issuers'
// CA certificate and signing keys are TEST-ONLY material generated on first use and kept in
// $KINDLAB_HOME (_support/test-material.ts), so a later process serves with the CA the file pins.
// The address is one kube-apiserver reaches on the local provider and inside a kind node container
// alike: the Docker bridge's (_support/issuer-host.ts). On a machine without it the issuers listen on
// 127.0.0.1, and the planner keeps the scenario off kind.
//
// From 1.30 (v1beta1) an issuer may list several audiences (audienceMatchPolicy: MatchAny: a token
// is accepted when one of its `aud` values is one of them), and kube-apiserver watches the file
// and applies a changed configuration without a restart. The scenario shows both: team-a accepts
// two audiences; then the scenario rewrites the file the API server reads (it lies in the cluster's
// folder next to its kubeconfig; kind mounts that folder into the control-plane node) with a third issuer, waits until that
// issuer's token is accepted, and checks that kube-apiserver's process start time did not change
// and that its reload metric counted a successful reload. The original file is put back afterwards.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { defineScenario, type ScenarioContext } from 'kindlab';
import { apiServerOnThisHost, minor } from './_support/cluster.js';
import { apiRequest, json } from './_support/http.js';
import { signJwt, type Claims, type SigningKey } from './_support/jwt.js';
import { issuerHost, issuerOnLoopbackOnly } from './_support/issuer-host.js';
import { fixture, issuerKey, issuerUrl, serveIssuers } from './_support/oidc-issuer.js';

/** Fixed: it is written into the AuthenticationConfiguration below. */
export const ISSUER_PORT = 38443;
const AUDIENCE = 'kindlab';
// The material is made on first use (test-material.ts): loading this file for `run --list` or a
// plan of other scenarios creates nothing. Hence functions and getters, not constants.
const keyA = (): SigningKey => issuerKey('test-only-jwt-signing-team-a.key');
const keyB = (): SigningKey => issuerKey('test-only-jwt-signing-team-b.key');

function indent(text: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return text
    .trim()
    .split('\n')
    .map((l) => pad + l)
    .join('\n');
}

const ca = (): string => fixture('test-only-ca.crt');

export type ConfigVersion = 'v1alpha1' | 'v1beta1' | 'v1';
/** The second audience team-a accepts from 1.30 (v1beta1: several audiences with audienceMatchPolicy MatchAny). */
export const EXTRA_AUDIENCE = 'kindlab-extra';
/** The issuer the rewritten file adds, and the only audience it accepts. */
export const RELOADED_ISSUER = 'team-c';
export const RELOADED_AUDIENCE = 'kindlab-reloaded';

/**
 * The AuthenticationConfiguration in one apiserver.config.k8s.io version. v1alpha1 (1.29) allows one
 * audience per issuer, so only later versions get team-a's second audience. `reloaded` adds the
 * issuer team-c: the content the scenario writes while the API server runs.
 */
export function authnConfig(version: ConfigVersion, opts: { reloaded?: boolean } = {}): string {
  const teamAAudiences = version === 'v1alpha1' ? `    audiences: [${AUDIENCE}]\n` : `    audiences: [${AUDIENCE}, ${EXTRA_AUDIENCE}]\n    audienceMatchPolicy: MatchAny\n`;
  const teamC = opts.reloaded
    ? `- issuer:
    url: ${issuerUrl(ISSUER_PORT, RELOADED_ISSUER)}
    audiences: [${RELOADED_AUDIENCE}]
    certificateAuthority: |
${indent(ca(), 6)}
  claimMappings:
    username:
      claim: sub
      prefix: '${RELOADED_ISSUER}:'
`
    : '';
  return `apiVersion: apiserver.config.k8s.io/${version}
kind: AuthenticationConfiguration
jwt:
- issuer:
    url: ${issuerUrl(ISSUER_PORT, 'team-a')}
${teamAAudiences}    certificateAuthority: |
${indent(ca(), 6)}
  claimValidationRules:
  - expression: 'claims.hd == "example.com"'
    message: 'the hd claim must be example.com'
  claimMappings:
    username:
      claim: sub
      prefix: 'team-a:'
    groups:
      claim: groups
      prefix: 'team-a:'
- issuer:
    url: ${issuerUrl(ISSUER_PORT, 'team-b')}
    audiences: [${AUDIENCE}]
    certificateAuthority: |
${indent(ca(), 6)}
  claimValidationRules:
  - claim: admin
    requiredValue: 'true'
  claimMappings:
    username:
      expression: '"team-b:" + claims.preferred_username'
    groups:
      expression: 'claims.roles.split(",").map(r, "team-b:" + r)'
    uid:
      expression: 'claims.sub'
    extra:
    - key: 'kindlab.io/issuer'
      valueExpression: '"team-b"'
  userValidationRules:
  - expression: '!("team-b:suspended" in user.groups)'
    message: 'suspended users may not log in'
${teamC}`;
}

// v1beta1 is understood from 1.30 on (v1 only from 1.34); 1.29 (alpha) reads v1alpha1, see requires.
export const authenticationConfiguration = (): string => authnConfig('v1beta1');

/** The same configuration in another apiserver.config.k8s.io version (v1alpha1 is what 1.29 reads). */
export function authenticationConfigurationAs(version: ConfigVersion): string {
  return authnConfig(version);
}

/**
 * Where the API server of a cluster made by kindlab's local provider reads `name` from: the
 * cluster's files folder next to its kubeconfig. Undefined, with the reason, where the file is not
 * there or is not the one this scenario declared (so it is not the file that API server reads).
 */
export function apiServerFile(kubeconfigPath: string, name: string, declared: string): { path: string } | { reason: string } {
  const path = join(dirname(kubeconfigPath), 'files', name);
  if (!existsSync(path)) return { reason: `no ${name} next to the kubeconfig (${path}): only a cluster made by kindlab's local provider keeps the API server's files there` };
  if (readFileSync(path, 'utf8') !== declared) return { reason: `${path} is not the AuthenticationConfiguration this scenario declared for this version` };
  return { path };
}

/** A Prometheus sample's value: `name{labels…} value` for the first line whose labels contain `labelPart`. */
export function metricValue(text: string, name: string, labelPart = ''): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (labelPart && !line.includes(labelPart)) continue;
    const v = Number(line.trim().split(/\s+/).pop());
    if (!Number.isNaN(v)) return v;
  }
  return undefined;
}

interface UserInfo {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

type Issuers = Awaited<ReturnType<typeof serveIssuers>>;

/** Signs tokens for the test issuers and asks the API server who a token is (a SelfSubjectReview). */
interface Auth {
  issuers: Issuers;
  token(key: SigningKey, issuer: string, claims: Claims): string;
  whoami(bearerToken: string): Promise<{ status: number; user?: UserInfo }>;
}

async function serveTestIssuers(ctx: ScenarioContext): Promise<Auth> {
  const issuers = await ctx.step(`serve the two test issuers on ${issuerHost()}:${ISSUER_PORT}`, async () => {
    const running = await serveIssuers(ISSUER_PORT, [
      { name: 'team-a', key: keyA() },
      { name: 'team-b', key: keyB() },
      // Known to the API server only once the rewritten configuration is loaded (reload step).
      { name: RELOADED_ISSUER, key: keyA() },
    ], { seconds: 150, signal: ctx.signal, onWait: (m) => ctx.log(m) });
    ctx.cleanup(() => running.close());
    return running;
  });
  const now = () => Math.floor(Date.now() / 1000);
  return {
    issuers,
    token: (key, issuer, claims) => signJwt(key, { iss: issuers.url(issuer), aud: AUDIENCE, iat: now(), nbf: now() - 5, exp: now() + 600, ...claims }),
    whoami: async (bearerToken) => {
      const res = await apiRequest(ctx, {
        method: 'POST',
        path: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
        body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
        bearerToken,
      });
      return { status: res.status, user: res.status === 201 ? json<{ status?: { userInfo?: UserInfo } }>(res).status?.userInfo : undefined };
    },
  };
}

/** Both issuers at once, each with its own mappings. */
async function twoIssuersMapped(ctx: ScenarioContext, { issuers, token, whoami }: Auth, alice: string): Promise<void> {
  await ctx.featureStep('issuer team-a: username and groups are mapped with the "team-a:" prefix', async () => {
    // The API server fetches discovery and keys in the background and retries; wait for it.
    const r = await ctx.eventually(
      async () => {
        const w = await whoami(alice);
        return w.status === 201 ? w : undefined;
      },
      {
        timeoutSeconds: 90,
        intervalMs: 2000,
        description:
          'a team-a token to authenticate (was kube-apiserver started with this scenario\'s --authentication-config? ' +
          `has it fetched ${issuers.url('team-a')}/.well-known/openid-configuration?)`,
      },
    );
    ctx.assert.equal(r.user?.username, 'team-a:alice', 'username');
    ctx.assert.matches(r.user?.groups, ['team-a:dev', 'team-a:ops', 'system:authenticated'], 'groups');
    ctx.log(`issuer requests seen: ${JSON.stringify(Object.fromEntries(issuers.hits))}`);
  });

  await ctx.featureStep('issuer team-b at the same time: CEL mappings for username, groups, uid and extra', async () => {
    const bob = token(keyB(), 'team-b', { sub: 'u-1234', preferred_username: 'bob', roles: 'viewer,dev', admin: 'true' });
    const r = await ctx.eventually(
      async () => {
        const w = await whoami(bob);
        return w.status === 201 ? w : undefined;
      },
      { timeoutSeconds: 60, intervalMs: 2000, description: 'a team-b token to authenticate' },
    );
    ctx.assert.equal(r.user?.username, 'team-b:bob', 'username from a CEL expression');
    ctx.assert.equal(r.user?.uid, 'u-1234', 'uid');
    ctx.assert.matches(r.user?.groups, ['team-b:viewer', 'team-b:dev', 'system:authenticated'], 'groups');
    ctx.assert.matches(r.user?.extra?.['kindlab.io/issuer'], ['team-b'], 'extra');
  });
}

/** Tokens that break a rule, carry a foreign audience or the wrong key: 401. */
async function brokenTokensRefused(ctx: ScenarioContext, { token, whoami }: Auth): Promise<void> {
  await ctx.step('tokens that break a rule are refused with 401', async () => {
    const cases: Array<[string, string]> = [
      ['team-a, hd is not example.com (CEL claimValidationRules)', token(keyA(), 'team-a', { sub: 'mallory', groups: [], hd: 'evil.example' })],
      ['team-b, admin is not "true" (claim/requiredValue)', token(keyB(), 'team-b', { sub: 'u-2', preferred_username: 'eve', roles: 'viewer', admin: 'false' })],
      ['team-b, user in team-b:suspended (userValidationRules)', token(keyB(), 'team-b', { sub: 'u-3', preferred_username: 'sam', roles: 'viewer,suspended', admin: 'true' })],
      ['team-a claims signed with team-b\'s key', token(keyB(), 'team-a', { sub: 'alice', groups: ['dev'], hd: 'example.com' })],
      ['wrong audience', token(keyA(), 'team-a', { sub: 'alice', groups: ['dev'], hd: 'example.com', aud: 'someone-else' })],
    ];
    for (const [what, bad] of cases) {
      const r = await whoami(bad);
      ctx.assert.equal(r.status, 401, `${what}: HTTP ${r.status}`);
    }
  });
}

/** From 1.30 (v1beta1): several audiences per issuer. */
async function eitherAudience(ctx: ScenarioContext, { token, whoami }: Auth): Promise<void> {
  await ctx.step(`team-a accepts either of its audiences (${AUDIENCE}, ${EXTRA_AUDIENCE}; audienceMatchPolicy MatchAny)`, async () => {
    const withAud = (aud: string | string[]) => token(keyA(), 'team-a', { sub: 'alice', groups: ['dev'], hd: 'example.com', aud });
    for (const aud of [EXTRA_AUDIENCE, ['someone-else', EXTRA_AUDIENCE]]) {
      const r = await whoami(withAud(aud));
      ctx.assert.equal(r.status, 201, `aud ${JSON.stringify(aud)}: HTTP ${r.status}`);
      ctx.assert.equal(r.user?.username, 'team-a:alice', `aud ${JSON.stringify(aud)}: username`);
    }
    const none = await whoami(withAud(['someone-else', 'nobody']));
    ctx.assert.equal(none.status, 401, `a token whose audiences are all foreign is refused (HTTP ${none.status})`);
  });
}

/** From 1.30: the file kube-apiserver reads is rewritten with a third issuer, and reloaded without a restart. */
async function reloadedWithoutRestart(ctx: ScenarioContext, { token, whoami }: Auth, alice: string): Promise<void> {
  const declared = authenticationConfiguration();
  const file = apiServerFile(ctx.kubeconfigPath, 'authn.yaml', declared);
  if ('reason' in file) {
    // kindlab made this cluster with the file: not finding it is a failure, not a quiet pass.
    ctx.assert.ok(ctx.cluster.reconfigurable === false, `the AuthenticationConfiguration kindlab gave this cluster cannot be found for the reload step: ${file.reason}`);
    // Someone else's cluster: the reload was not tested, and the pass says so in every report.
    ctx.partial(`the reload of the AuthenticationConfiguration file (${file.reason})`);
    return;
  }
  const write = (content: string) => {
    const tmp = `${file.path}.kindlab-tmp`;
    writeFileSync(tmp, content, { mode: 0o600 });
    renameSync(tmp, file.path); // atomic: the API server never reads half a file
  };
  ctx.cleanup(() => write(declared));

  await ctx.featureStep(`rewrite ${file.path} with issuer ${RELOADED_ISSUER}: accepted without a restart`, async () => {
    const carol = token(keyA(), RELOADED_ISSUER, { sub: 'carol', aud: RELOADED_AUDIENCE });
    const metrics = async () => {
      const text = await ctx.raw('/metrics');
      return {
        started: metricValue(text, 'process_start_time_seconds'),
        reloads: metricValue(text, 'apiserver_authentication_config_controller_automatic_reloads_total', 'status="success"') ?? 0,
      };
    };
    const before = await metrics();
    ctx.assert.ok(before.started, 'kube-apiserver reports process_start_time_seconds');
    ctx.assert.equal((await whoami(carol)).status, 401, `before the rewrite ${RELOADED_ISSUER} is unknown`);

    write(authnConfig('v1beta1', { reloaded: true }));
    const started = Date.now();
    const r = await ctx.eventually(
      async () => {
        const w = await whoami(carol);
        return w.status === 201 ? w : undefined;
      },
      { timeoutSeconds: 150, intervalMs: 2000, description: `kube-apiserver to reload the file and accept the ${RELOADED_ISSUER} token` },
    );
    ctx.log(`${RELOADED_ISSUER} accepted ${Math.round((Date.now() - started) / 1000)} s after the rewrite`);
    ctx.assert.equal(r.user?.username, `${RELOADED_ISSUER}:carol`, 'username mapped by the new issuer');
    const after = await ctx.eventually(async () => {
      const m = await metrics();
      return m.reloads > before.reloads ? m : undefined;
    }, { timeoutSeconds: 30, description: 'apiserver_authentication_config_controller_automatic_reloads_total{status="success"} to go up' });
    ctx.log(`successful reloads: ${before.reloads} → ${after.reloads}; process start ${before.started} → ${after.started}`);
    ctx.assert.equal(after.started, before.started, 'kube-apiserver was not restarted (process_start_time_seconds unchanged)');
    ctx.assert.equal((await whoami(alice)).status, 201, 'the issuers that were there before still authenticate');
  });
}

export default defineScenario({
  id: 'structured-authn-config',
  title: 'Two JWT issuers, CEL claim validation and claim mappings from an AuthenticationConfiguration',
  kep: 3331,
  tags: ['1.30', 'sig-auth'],
  // StructuredAuthenticationConfiguration: alpha (off) 1.29, beta (on) 1.30, GA 1.34. The file is
  // v1alpha1 where the feature is alpha; v1beta1 from 1.30, also after GA (read by 1.37.2; v1 from 1.34).
  versions: '>=1.29',
  // With the gate off (or before 1.29) kube-apiserver refuses --authentication-config and does not
  // start ("set --feature-gates=StructuredAuthenticationConfiguration=true to use
  // authentication-config file", v1.30.14): the counter-proof runs it without the file, and the
  // issuers' tokens must then fail to authenticate.
  counterProof: { featureFlags: ['authentication-config'] },
  requires: {
    needs: 'api',
    // Read when the file loads: without a Docker bridge the issuers are on loopback only.
    ...(issuerOnLoopbackOnly() ? { apiServerReachesHostLoopback: `the test issuers are served on 127.0.0.1:${ISSUER_PORT} (this machine has no Docker bridge)` } : {}),
    feature: { gate: 'StructuredAuthenticationConfiguration', components: ['kube-apiserver'] },
    apiServerFlags: { 'authentication-config': '${KINDLAB_FILES}/authn.yaml' },
    perVersion: [
      {
        stage: 'alpha',
        files: [
          {
            name: 'authn.yaml',
            get content() {
              return authenticationConfigurationAs('v1alpha1');
            },
          },
        ],
        apiVersion: 'apiserver.config.k8s.io/v1alpha1',
      },
      {
        stage: ['beta', 'ga'],
        files: [
          {
            name: 'authn.yaml',
            get content() {
              return authenticationConfiguration();
            },
          },
        ],
        apiVersion: 'apiserver.config.k8s.io/v1beta1',
        note: 'the v1beta1 file, read from 1.30 on',
      },
    ],
  },
  timeoutSeconds: 300,
  description:
    `Serves two OIDC issuers (…/team-a, …/team-b) on https://<Docker bridge address>:${ISSUER_PORT} (127.0.0.1 without Docker) and signs tokens for them. ` +
    'Issuer team-a maps sub and groups with the prefix "team-a:" and requires (CEL) hd == "example.com"; issuer ' +
    'team-b maps username, groups (from a comma-separated roles claim), uid and an extra key with CEL expressions, requires admin == "true" ' +
    '(claim/requiredValue) and refuses users in group team-b:suspended (userValidationRules). A SelfSubjectReview ' +
    'sent with each valid token shows the mapped username and groups; tokens that break a rule, carry the wrong ' +
    'audience or are signed with the other issuer\'s key get 401. From 1.30 (v1beta1): team-a lists two audiences ' +
    '(audienceMatchPolicy MatchAny), so a token for either, or with both a foreign and a listed audience, is accepted and one ' +
    'with only foreign audiences is not; and the scenario rewrites the file kube-apiserver reads with a third issuer ' +
    '(team-c): its token goes from 401 to authenticated as team-c:<sub> without a restart (process_start_time_seconds ' +
    'unchanged, apiserver_authentication_config_controller_automatic_reloads_total{status="success"} up), and the file ' +
    'is restored afterwards. Tokens are never printed. local provider only.',
  async run(ctx: ScenarioContext) {
    if (issuerOnLoopbackOnly() && !apiServerOnThisHost(ctx)) {
      ctx.skip(`kube-apiserver does not share this machine's loopback (on kind it runs inside the node container), and without a Docker bridge the test issuer listens on 127.0.0.1:${ISSUER_PORT} only`);
    }
    const auth = await serveTestIssuers(ctx);
    const alice = auth.token(keyA(), 'team-a', { sub: 'alice', groups: ['dev', 'ops'], hd: 'example.com' });
    await twoIssuersMapped(ctx, auth, alice);
    await brokenTokensRefused(ctx, auth);

    // v1alpha1 (1.29, alpha) has one audience per issuer and no reload.
    if ((ctx.stage?.stage ?? (minor(ctx) >= 30 ? 'beta' : 'alpha')) === 'alpha') {
      ctx.log('1.29 (alpha, v1alpha1): one audience per issuer and no reload of the file; those steps are not run');
      return;
    }
    await eitherAudience(ctx, auth);
    await reloadedWithoutRestart(ctx, auth, alice);
  },
});
