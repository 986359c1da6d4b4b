// `kubectl create token` (kubectl ≥1.24) asks the TokenRequest API for a short-lived, audience-bound
// ServiceAccount token — the replacement for the never-expiring Secret tokens of KEP-2799. A token
// can also be bound to an object (a Pod, a Secret): it stops authenticating once that object is gone.
// Tokens are only decoded locally and sent to the API server; they are never printed.
import { defineScenario, type ScenarioContext } from 'kindlab';
import type { V1Pod, V1Secret, V1ServiceAccount } from '@kubernetes/client-node';
import { apiRequest, json } from './_support/http.js';
import { decodeClaims, fingerprint } from './_support/jwt.js';

const SA = 'builder';
const POD = 'token-holder';
const AUDIENCE = 'kindlab.test/builds';
const OTHER_AUDIENCE = 'kindlab.test/someone-else';

interface TokenReviewStatus {
  authenticated?: boolean;
  error?: string;
  user?: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
  audiences?: string[];
}

const KEPT_SA = 'survivor';
const KEPT_SECRET = 'survivor-token';

async function createTokenFor(ctx: ScenarioContext, sa: string, args: string[]): Promise<string> {
  const res = await ctx.kubectl(['create', 'token', sa, '-n', ctx.namespace, ...args]);
  ctx.assert.equal(res.exitCode, 0, `kubectl create token ${args.join(' ')} failed: ${res.stderr.trim()}`);
  return res.stdout.trim();
}

async function reviewToken(ctx: ScenarioContext, token: string, audiences?: string[]): Promise<TokenReviewStatus> {
  const res = await apiRequest(ctx, {
    method: 'POST',
    path: '/apis/authentication.k8s.io/v1/tokenreviews',
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, ...(audiences ? { audiences } : {}) } },
  });
  // The response echoes spec.token: only the status is kept, nothing else is logged.
  if (res.status !== 201 && res.status !== 200) throw new Error(`TokenReview failed with HTTP ${res.status}`);
  return (json<{ status?: TokenReviewStatus }>(res).status ?? {}) as TokenReviewStatus;
}

/** A token bound to a Pod names the pod in its claims and dies with it. */
async function podBoundToken(ctx: ScenarioContext): Promise<void> {
  const review = (token: string): Promise<TokenReviewStatus> => reviewToken(ctx, token);
  const boundToken = await ctx.step('a token bound to a Pod carries the pod in its claims', async () => {
    const pod = await ctx.create<V1Pod>({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: POD },
      spec: {
        serviceAccountName: SA,
        automountServiceAccountToken: false,
        containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10' }],
      },
    });
    const token = await createTokenFor(ctx, SA, ['--duration', '10m', '--bound-object-kind', 'Pod', '--bound-object-name', POD]);
    const claims = decodeClaims(token);
    const bound = (claims['kubernetes.io'] as { pod?: { name?: string; uid?: string } } | undefined)?.pod;
    ctx.assert.equal(bound?.name, POD, 'kubernetes.io.pod.name claim');
    ctx.assert.equal(bound?.uid, pod.metadata?.uid, 'kubernetes.io.pod.uid claim is the Pod uid');
    const status = await review(token);
    ctx.assert.equal(status.authenticated, true, `the pod-bound token authenticates while the Pod exists: ${status.error ?? ''}`);
    const extra = status.user?.extra?.['authentication.kubernetes.io/pod-name'];
    ctx.assert.matches(extra, [POD], 'user extra authentication.kubernetes.io/pod-name');
    return token;
  });

  await ctx.step('once the Pod is deleted the bound token no longer authenticates', async () => {
    await ctx.delete({ apiVersion: 'v1', kind: 'Pod', name: POD });
    const status = await ctx.eventually(
      async () => {
        const s = await review(boundToken);
        return s.authenticated ? undefined : s;
      },
      { timeoutSeconds: 60, description: 'TokenReview of the pod-bound token to return authenticated: false' },
    );
    ctx.log(`TokenReview after deletion: authenticated=false, error=${status.error ?? '(none)'}`);
  });
}

export default defineScenario({
  id: 'create-token',
  title: 'kubectl create token: short-lived, reviewable, object-bound ServiceAccount tokens',
  tags: ['1.24', 'sig-auth', 'kubectl'],
  versions: '>=1.24',
  requires: { needs: 'api' },
  timeoutSeconds: 180,
  description:
    'Runs `kubectl create token SA --duration 10m`: the JWT payload (decoded locally) says exp-iat = 600 s and ' +
    'sub = system:serviceaccount:<ns>:<sa>, and a TokenReview authenticates it as that user. With --audience the ' +
    'aud claim holds that audience alone: a TokenReview for it authenticates the token, one for another audience ' +
    'or for the API server\'s own does not. A duration under ' +
    '10 minutes is refused by the API server. A token bound to a Pod (a Pod object that never runs) carries the ' +
    'pod name and uid, authenticates while the Pod exists and stops authenticating once it is deleted.',
  async run(ctx: ScenarioContext) {
    const createToken = (args: string[]): Promise<string> => createTokenFor(ctx, SA, args);
    const review = (token: string, audiences?: string[]): Promise<TokenReviewStatus> => reviewToken(ctx, token, audiences);

    await ctx.step('create a ServiceAccount', () =>
      ctx.create<V1ServiceAccount>({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: SA } }),
    );

    await ctx.step('kubectl create token --duration 10m: exp - iat = 600 s', async () => {
      const token = await createToken(['--duration', '10m']);
      ctx.log(`got a token (${fingerprint(token)})`);
      const claims = decodeClaims(token);
      const lifetime = Number(claims.exp) - Number(claims.iat);
      ctx.assert.ok(Math.abs(lifetime - 600) <= 5, `exp - iat must be about 600 s, got ${lifetime}`);
      ctx.assert.equal(claims.sub, `system:serviceaccount:${ctx.namespace}:${SA}`, 'sub claim');
      const k8s = claims['kubernetes.io'] as { namespace?: string; serviceaccount?: { name?: string } } | undefined;
      ctx.assert.equal(k8s?.namespace, ctx.namespace, 'kubernetes.io.namespace claim');
      ctx.assert.equal(k8s?.serviceaccount?.name, SA, 'kubernetes.io.serviceaccount.name claim');

      const status = await review(token);
      ctx.assert.equal(status.authenticated, true, `TokenReview must authenticate the token: ${status.error ?? ''}`);
      ctx.assert.equal(status.user?.username, `system:serviceaccount:${ctx.namespace}:${SA}`, 'TokenReview username');
      ctx.assert.ok(
        (status.user?.groups ?? []).includes(`system:serviceaccounts:${ctx.namespace}`),
        `groups include system:serviceaccounts:${ctx.namespace}: ${JSON.stringify(status.user?.groups)}`,
      );
    });

    await ctx.step(`--audience ${AUDIENCE}: the token is for that audience only`, async () => {
      const token = await createToken(['--duration', '10m', '--audience', AUDIENCE]);
      const aud = decodeClaims(token).aud;
      ctx.assert.matches([aud].flat(), [AUDIENCE], 'aud claim');
      ctx.assert.equal([aud].flat().length, 1, `aud holds only ${AUDIENCE}: ${JSON.stringify(aud)}`);
      const mine = await review(token, [AUDIENCE]);
      ctx.assert.equal(mine.authenticated, true, `a TokenReview for ${AUDIENCE} authenticates it: ${mine.error ?? ''}`);
      ctx.assert.matches(mine.audiences, [AUDIENCE], 'status.audiences');
      const other = await review(token, [OTHER_AUDIENCE]);
      // authenticated: false is omitted from the response (omitempty): anything but true
      ctx.assert.ok(other.authenticated !== true && Boolean(other.error), `a TokenReview for ${OTHER_AUDIENCE} must not authenticate it, saying why`);
      // no audiences: the API server's own; the token was not made for it
      const apiServers = await review(token);
      ctx.assert.ok(apiServers.authenticated !== true && Boolean(apiServers.error), 'a TokenReview for the API server\'s own audience must not authenticate it, saying why');
      ctx.log(`for ${OTHER_AUDIENCE}: ${other.error ?? '(no error)'}; for the API server: ${apiServers.error ?? '(no error)'}`);
    });

    await ctx.step('a duration under 10 minutes is refused by the API server', async () => {
      const res = await ctx.kubectl(['create', 'token', SA, '-n', ctx.namespace, '--duration', '5m']);
      ctx.assert.ok(res.exitCode !== 0, 'kubectl create token --duration 5m must fail');
      ctx.assert.includes(res.stderr, /may not specify a duration less than 10 minutes/, 'the API server says why');
    });

    await podBoundToken(ctx);
  },
  acrossUpgrade: {
    what: 'a token kubectl create token made before the upgrade still authenticates after it: the service-account issuer and signing key survive the upgrade',
    async before(ctx: ScenarioContext) {
      await ctx.step('a ServiceAccount and a 2 h token for it, kept in a Secret for after the upgrade', async () => {
        await ctx.create<V1ServiceAccount>({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: KEPT_SA } });
        const token = await createTokenFor(ctx, KEPT_SA, ['--duration', '2h']);
        const status = await reviewToken(ctx, token);
        ctx.assert.equal(status.authenticated, true, `the token authenticates before the upgrade: ${status.error ?? ''}`);
        await ctx.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: KEPT_SECRET }, type: 'Opaque', stringData: { token } });
        ctx.log(`kept a token (${fingerprint(token)}) issued by ${String(decodeClaims(token).iss)}`);
      });
    },
    async after(ctx: ScenarioContext) {
      await ctx.featureStep('the token made before the upgrade authenticates as its ServiceAccount', async () => {
        const secret = await ctx.get<V1Secret>({ apiVersion: 'v1', kind: 'Secret', name: KEPT_SECRET });
        const token = Buffer.from(secret.data?.token ?? '', 'base64').toString('utf8');
        ctx.assert.ok(token.length > 0, `Secret ${KEPT_SECRET} still holds the token`);
        const status = await reviewToken(ctx, token);
        ctx.assert.equal(status.authenticated, true, `TokenReview after the upgrade: ${status.error ?? ''}`);
        ctx.assert.equal(status.user?.username, `system:serviceaccount:${ctx.namespace}:${KEPT_SA}`, 'TokenReview username');
      });
    },
  },
});
