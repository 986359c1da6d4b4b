// KEP-2799: no more auto-generated ServiceAccount token Secrets. Before 1.24 every ServiceAccount got
// a Secret `<sa>-token-xxxxx` holding a token that never expired. From 1.24
// (LegacyServiceAccountTokenNoAutoGeneration, beta on; GA 1.26) nothing is generated: pods get
// short-lived projected tokens from the TokenRequest API. A Secret you create yourself, of type
// kubernetes.io/service-account-token, is still filled in — and from 1.26/1.27 its use is tracked.
import { defineScenario, type ScenarioContext } from 'kindlab';
import type { V1Secret, V1SecretList, V1ServiceAccount } from '@kubernetes/client-node';
import { atLeast, describeGate, gate, sleep } from './_support/cluster.js';
import { apiRequest } from './_support/http.js';
import { decodeClaims } from './_support/jwt.js';

const SA = 'no-autogen';

/** LegacyServiceAccountTokenTracking (1.26+): a use of the Secret-based token dates a label on its Secret. */
async function legacyTokenTracking(ctx: ScenarioContext, secretName: string, token: string): Promise<void> {
  const tracking = await gate(ctx, 'LegacyServiceAccountTokenTracking');
  ctx.log(describeGate('LegacyServiceAccountTokenTracking', tracking));
  if (!tracking.enabled || !atLeast(ctx, '1.26')) return;

  await ctx.step('using the legacy token labels the Secret kubernetes.io/legacy-token-last-used', async () => {
    if (atLeast(ctx, '1.28')) {
      const res = await apiRequest(ctx, {
        method: 'POST',
        path: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
        body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
        bearerToken: token,
      });
      ctx.assert.equal(res.status, 201, `the legacy token authenticates (HTTP ${res.status})`);
      ctx.assert.includes(res.body, `system:serviceaccount:${ctx.namespace}:${SA}`, 'as the ServiceAccount');
    } else {
      // SelfSubjectReview is v1 only from 1.28; any authenticated request counts as a use.
      const res = await apiRequest(ctx, { method: 'GET', path: '/api', bearerToken: token });
      ctx.assert.equal(res.status, 200, `the legacy token authenticates (HTTP ${res.status})`);
    }
    const secret = await ctx.waitFor<V1Secret>(
      { apiVersion: 'v1', kind: 'Secret', name: secretName },
      (s) => /^\d{4}-\d{2}-\d{2}$/.test(s.metadata?.labels?.['kubernetes.io/legacy-token-last-used'] ?? ''),
      { timeoutSeconds: 60, description: 'label kubernetes.io/legacy-token-last-used=<date>' },
    );
    ctx.log(`legacy-token-last-used=${secret.metadata?.labels?.['kubernetes.io/legacy-token-last-used']}`);
  });
}

export default defineScenario({
  id: 'sa-token-no-autogen',
  title: 'A new ServiceAccount gets no auto-generated token Secret',
  kep: 2799,
  tags: ['1.24', 'sig-auth'],
  versions: '>=1.24',
  // LegacyServiceAccountTokenNoAutoGeneration: beta (on) 1.24, GA 1.26, gone 1.29. The tracking step
  // needs LegacyServiceAccountTokenTracking, which exists from 1.26 (alpha): asked for there only.
  requires: {
    needs: 'api',
    feature: { gate: 'LegacyServiceAccountTokenNoAutoGeneration', components: ['kube-controller-manager'] },
    perVersion: [
      {
        versions: '>=1.26',
        featureGates: { LegacyServiceAccountTokenTracking: { value: true, components: ['kube-apiserver'] } },
        note: 'the legacy-token tracking step: LegacyServiceAccountTokenTracking (alpha 1.26, beta 1.27, GA 1.28, gone 1.30)',
      },
    ],
  },
  timeoutSeconds: 180,
  description:
    'Creates a ServiceAccount and waits: no Secret of type kubernetes.io/service-account-token appears and ' +
    '.secrets stays empty. To prove the token controller is alive (so the absence means something), it then ' +
    'creates a token Secret by hand and sees the controller fill in data.token (claims decoded locally, the ' +
    'token is never printed). Where the tracking part of the KEP is on (≥1.27), using that legacy token ' +
    'labels the Secret kubernetes.io/legacy-token-last-used. Where auto-generation is still on (1.24/1.25 ' +
    'with LegacyServiceAccountTokenNoAutoGeneration=false) the scenario asserts the generated Secret instead.',
  async run(ctx: ScenarioContext) {
    const noAutogen = await gate(ctx, 'LegacyServiceAccountTokenNoAutoGeneration');
    ctx.log(describeGate('LegacyServiceAccountTokenNoAutoGeneration', noAutogen));

    const tokenSecretsFor = async (sa: string) => {
      const list = (await ctx.core.listNamespacedSecret({ namespace: ctx.namespace })) as V1SecretList;
      return list.items.filter(
        (s) =>
          s.type === 'kubernetes.io/service-account-token' &&
          s.metadata?.annotations?.['kubernetes.io/service-account.name'] === sa,
      );
    };

    await ctx.step('create a ServiceAccount', () =>
      ctx.create<V1ServiceAccount>({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: SA } }),
    );

    if (noAutogen.enabled) {
      await ctx.featureStep('no token Secret is generated for it', async () => {
        // The tokens controller reacts within milliseconds; 10 s is generous.
        await sleep(10_000, ctx.signal);
        const secrets = await tokenSecretsFor(SA);
        ctx.assert.equal(secrets.length, 0, `no token Secret for ${SA}, found ${secrets.map((s) => s.metadata?.name).join(', ')}`);
        const sa = await ctx.get<V1ServiceAccount>({ apiVersion: 'v1', kind: 'ServiceAccount', name: SA });
        ctx.assert.equal((sa.secrets ?? []).length, 0, 'ServiceAccount .secrets stays empty');
      });
    } else {
      await ctx.step('a token Secret is generated (auto-generation on)', async () => {
        const secrets = await ctx.eventually(async () => {
          const s = await tokenSecretsFor(SA);
          return s.length > 0 ? s : undefined;
        }, { timeoutSeconds: 60, description: `a generated token Secret for ${SA}` });
        ctx.assert.includes(secrets[0]!.metadata?.name ?? '', `${SA}-token-`, 'generated name <sa>-token-xxxxx');
      });
      return;
    }

    const secretName = `${SA}-manual-token`;
    const token = await ctx.step('a token Secret created by hand is still filled in by the tokens controller', async () => {
      await ctx.create<V1Secret>({
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'kubernetes.io/service-account-token',
        metadata: { name: secretName, annotations: { 'kubernetes.io/service-account.name': SA } },
      });
      const secret = await ctx.waitFor<V1Secret>(
        { apiVersion: 'v1', kind: 'Secret', name: secretName },
        (s) => typeof s.data?.token === 'string' && s.data.token.length > 0,
        { timeoutSeconds: 60, description: 'the tokens controller to fill in data.token' },
      );
      const tok = Buffer.from(secret.data!.token!, 'base64').toString('utf8');
      const claims = decodeClaims(tok);
      ctx.assert.equal(claims['kubernetes.io/serviceaccount/service-account.name'], SA, 'legacy token names the SA');
      ctx.assert.equal(claims['kubernetes.io/serviceaccount/secret.name'], secretName, 'legacy token names its Secret');
      ctx.assert.equal(claims.exp, undefined, 'a legacy Secret-based token has no expiry (why KEP-2799 exists)');
      return tok;
    });

    await legacyTokenTracking(ctx, secretName, token);
  },
});
