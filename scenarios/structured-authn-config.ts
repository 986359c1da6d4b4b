// KEP-3331: structured authentication configuration. Instead of one OIDC issuer configured by
// --oidc-* flags, kube-apiserver reads an AuthenticationConfiguration file (--authentication-config):
// several JWT issuers at once, claim validation in CEL, claim-to-user mappings with prefixes or CEL
// expressions, and CEL rules over the resulting user. Alpha 1.29, beta (on) 1.30, GA 1.34; the file is reloaded
// without a restart.
//
// The scenario serves its own two issuers (discovery + JWKS over HTTPS) on a FIXED port of
// 127.0.0.1, because the file the API server reads must exist before the scenario runs: the issuers'
// CA certificate and signing keys are committed TEST-ONLY fixtures (scenarios/fixtures/structured-authn).
// That only works where kube-apiserver shares the host's network (provider `local`): inside a kind
// node container 127.0.0.1 is the container itself, so the scenario skips there.
import { defineScenario, type ScenarioContext } from 'kindlab';
import { apiRequest, json } from './_support/http.js';
import { signJwt, type Claims } from './_support/jwt.js';
import { fixture, issuerKey, issuerUrl, serveIssuers } from './_support/oidc-issuer.js';

/** Fixed: it is written into the AuthenticationConfiguration below. */
export const ISSUER_PORT = 38443;
const AUDIENCE = 'kindlab';
const keyA = issuerKey('test-only-jwt-signing-team-a.key');
const keyB = issuerKey('test-only-jwt-signing-team-b.key');

function indent(text: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return text
    .trim()
    .split('\n')
    .map((l) => pad + l)
    .join('\n');
}

const ca = fixture('test-only-ca.crt');

// v1beta1 is understood from 1.30 on (v1 only from 1.34); 1.29 (alpha) reads v1alpha1, see requires.
export const authenticationConfiguration = `apiVersion: apiserver.config.k8s.io/v1beta1
kind: AuthenticationConfiguration
jwt:
- issuer:
    url: ${issuerUrl(ISSUER_PORT, 'team-a')}
    audiences: [${AUDIENCE}]
    certificateAuthority: |
${indent(ca, 6)}
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
${indent(ca, 6)}
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
`;

/** The same configuration in another apiserver.config.k8s.io version (v1alpha1 is what 1.29 reads). */
export function authenticationConfigurationAs(version: 'v1alpha1' | 'v1beta1' | 'v1'): string {
  return authenticationConfiguration.replace(/^apiVersion: apiserver\.config\.k8s\.io\/v1beta1$/m, `apiVersion: apiserver.config.k8s.io/${version}`);
}

interface UserInfo {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export default defineScenario({
  id: 'structured-authn-config',
  title: 'Two JWT issuers, CEL claim validation and claim mappings from an AuthenticationConfiguration',
  kep: 3331,
  tags: ['1.30', 'sig-auth', 'local-only'],
  // StructuredAuthenticationConfiguration: alpha (off) 1.29, beta (on) 1.30, GA 1.34. The file is
  // v1alpha1 where the feature is alpha; v1beta1 from 1.30, also after GA (read by 1.37.2; v1 from 1.34).
  versions: '>=1.29',
  requires: {
    needs: 'api',
    apiServerReachesHostLoopback: `the test issuers are served on 127.0.0.1:${ISSUER_PORT}`,
    feature: { gate: 'StructuredAuthenticationConfiguration', components: ['kube-apiserver'] },
    apiServerFlags: { 'authentication-config': '${KINDLAB_FILES}/authn.yaml' },
    perVersion: [
      { stage: 'alpha', files: [{ name: 'authn.yaml', content: authenticationConfigurationAs('v1alpha1') }], apiVersion: 'apiserver.config.k8s.io/v1alpha1' },
      {
        stage: ['beta', 'ga'],
        files: [{ name: 'authn.yaml', content: authenticationConfiguration }],
        apiVersion: 'apiserver.config.k8s.io/v1beta1',
        note: 'the v1beta1 file, read from 1.30 on',
      },
    ],
  },
  timeoutSeconds: 180,
  description:
    `Serves two OIDC issuers (…/team-a, …/team-b) on https://127.0.0.1:${ISSUER_PORT} and signs tokens for them. ` +
    'Issuer team-a maps sub and groups with the prefix "team-a:" and requires (CEL) hd == "example.com"; issuer ' +
    'team-b maps username, groups (from a comma-separated roles claim), uid and an extra key with CEL expressions, requires admin == "true" ' +
    '(claim/requiredValue) and refuses users in group team-b:suspended (userValidationRules). A SelfSubjectReview ' +
    'sent with each valid token shows the mapped username and groups; tokens that break a rule, carry the wrong ' +
    'audience or are signed with the other issuer\'s key get 401. Tokens are never printed. local provider only.',
  async run(ctx: ScenarioContext) {
    if (ctx.cluster.provider === 'kind') {
      ctx.skip(`kube-apiserver runs inside the kind node container and cannot reach the test issuer on the host's 127.0.0.1:${ISSUER_PORT}`);
    }

    const issuers = await ctx.step(`serve the two test issuers on 127.0.0.1:${ISSUER_PORT}`, async () => {
      const running = await serveIssuers(ISSUER_PORT, [
        { name: 'team-a', key: keyA },
        { name: 'team-b', key: keyB },
      ]);
      ctx.cleanup(() => running.close());
      return running;
    });

    const now = () => Math.floor(Date.now() / 1000);
    const token = (key: typeof keyA, issuer: string, claims: Claims) =>
      signJwt(key, { iss: issuers.url(issuer), aud: AUDIENCE, iat: now(), nbf: now() - 5, exp: now() + 600, ...claims });
    const whoami = async (bearerToken: string) => {
      const res = await apiRequest(ctx, {
        method: 'POST',
        path: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
        body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
        bearerToken,
      });
      return { status: res.status, user: res.status === 201 ? json<{ status?: { userInfo?: UserInfo } }>(res).status?.userInfo : undefined };
    };

    const alice = token(keyA, 'team-a', { sub: 'alice', groups: ['dev', 'ops'], hd: 'example.com' });

    await ctx.step('issuer team-a: username and groups are mapped with the "team-a:" prefix', async () => {
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

    await ctx.step('issuer team-b at the same time: CEL mappings for username, groups, uid and extra', async () => {
      const bob = token(keyB, 'team-b', { sub: 'u-1234', preferred_username: 'bob', roles: 'viewer,dev', admin: 'true' });
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

    await ctx.step('tokens that break a rule are refused with 401', async () => {
      const cases: Array<[string, string]> = [
        ['team-a, hd is not example.com (CEL claimValidationRules)', token(keyA, 'team-a', { sub: 'mallory', groups: [], hd: 'evil.example' })],
        ['team-b, admin is not "true" (claim/requiredValue)', token(keyB, 'team-b', { sub: 'u-2', preferred_username: 'eve', roles: 'viewer', admin: 'false' })],
        ['team-b, user in team-b:suspended (userValidationRules)', token(keyB, 'team-b', { sub: 'u-3', preferred_username: 'sam', roles: 'viewer,suspended', admin: 'true' })],
        ['team-a claims signed with team-b\'s key', token(keyB, 'team-a', { sub: 'alice', groups: ['dev'], hd: 'example.com' })],
        ['wrong audience', token(keyA, 'team-a', { sub: 'alice', groups: ['dev'], hd: 'example.com', aud: 'someone-else' })],
      ];
      for (const [what, bad] of cases) {
        const r = await whoami(bad);
        ctx.assert.equal(r.status, 401, `${what}: HTTP ${r.status}`);
      }
    });
  },
});
