// KEP-3488: ValidatingAdmissionPolicy. Admission rules written in CEL and evaluated inside the API
// server — no webhook server to build, deploy and keep available. A policy says what to check, a
// binding says where (here: only this scenario's namespace) and what to do (Deny). GA in 1.30.
import { defineScenario, type ScenarioContext } from 'kindlab';
import type { KubernetesObject } from '@kubernetes/client-node';
import { clusterScopedName, minor } from './_support/cluster.js';
import { apiRequest, json } from './_support/http.js';

const DEFAULT_API = 'admissionregistration.k8s.io/v1';

function deployment(name: string, replicas: number) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10' }] },
      },
    },
  };
}

const deploymentRules = [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments'] }];

/** From 1.28 the API server type-checks a policy's expressions against the matched kinds (status.typeChecking). */
async function typeCheckingWarns(ctx: ScenarioContext, API: string): Promise<void> {
  // Type checking of policies arrived in 1.28 (status.typeChecking).
  if (minor(ctx) < 28) return;
  await ctx.step('a reference to a field Deployments do not have is reported by type checking', async () => {
    const name = clusterScopedName(ctx, 'typo');
    await ctx.create<KubernetesObject>({
      apiVersion: API,
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name },
      spec: { matchConstraints: { resourceRules: deploymentRules }, validations: [{ expression: 'object.spec.replica <= 5' }] },
    } as KubernetesObject);
    const warned = await ctx.waitFor<KubernetesObject & { status?: { typeChecking?: { expressionWarnings?: Array<{ warning?: string }> } } }>(
      { apiVersion: API, kind: 'ValidatingAdmissionPolicy', name },
      (p) => (p.status?.typeChecking?.expressionWarnings ?? []).length > 0,
      { timeoutSeconds: 60, description: 'status.typeChecking.expressionWarnings' },
    );
    ctx.assert.includes(warned.status!.typeChecking!.expressionWarnings![0]!.warning ?? '', "undefined field 'replica'");
  });
}

export default defineScenario({
  id: 'validating-admission-policy',
  title: 'ValidatingAdmissionPolicy: a CEL rule denies a Deployment with too many replicas',
  kep: 3488,
  tags: ['1.30', 'sig-api-machinery', 'admission'],
  versions: '>=1.26',
  // v1alpha1 (1.26–1.27) and v1beta1 (1.28–1.29) are served only with the gate and runtime config;
  // v1 from 1.30 (GA) needs neither. run() talks to ctx.stage.apiVersion.
  requires: {
    needs: 'api',
    feature: { gate: 'ValidatingAdmissionPolicy', components: ['kube-apiserver'] },
    perVersion: [
      { stage: 'alpha', runtimeConfig: { 'admissionregistration.k8s.io/v1alpha1': 'true' }, apiVersion: 'admissionregistration.k8s.io/v1alpha1' },
      { stage: 'beta', runtimeConfig: { 'admissionregistration.k8s.io/v1beta1': 'true' }, apiVersion: 'admissionregistration.k8s.io/v1beta1' },
      { stage: 'ga', apiVersion: 'admissionregistration.k8s.io/v1' },
    ],
  },
  timeoutSeconds: 180,
  description:
    'Creates a policy "object.spec.replicas <= 5" with a messageExpression, bound with validationActions [Deny] to ' +
    'this scenario\'s namespace only (namespaceSelector on kubernetes.io/metadata.name). Policies take effect ' +
    'eventually, so the scenario retries (server-side dry run) until a 6-replica Deployment is denied with the ' +
    'policy\'s message (HTTP 422, reason Invalid); a 3-replica Deployment is admitted, and the same 6-replica Deployment in ' +
    'another namespace is not affected. A policy whose CEL does not compile is rejected on create, and one ' +
    'that refers to a field Deployments do not have gets a type-checking warning in its status.',
  async run(ctx: ScenarioContext) {
    // The API version of the feature's stage at this cluster's version (the planner's choice).
    const API = ctx.stage?.apiVersion ?? DEFAULT_API;
    const policy = clusterScopedName(ctx, 'max-replicas');

    await ctx.featureStep('a policy whose CEL does not compile is rejected', async () => {
      await ctx.assert.rejects(
        ctx.create<KubernetesObject>({
          apiVersion: API,
          kind: 'ValidatingAdmissionPolicy',
          metadata: { name: clusterScopedName(ctx, 'broken') },
          spec: { matchConstraints: { resourceRules: deploymentRules }, validations: [{ expression: 'object.spec.replicas <= ' }] },
        } as KubernetesObject),
        /spec\.validations\[0\]\.expression: Invalid value: .*compilation failed/,
      );
    });

    await ctx.featureStep('create the policy and bind it to this namespace', async () => {
      await ctx.create<KubernetesObject>({
        apiVersion: API,
        kind: 'ValidatingAdmissionPolicy',
        metadata: { name: policy },
        spec: {
          failurePolicy: 'Fail',
          matchConstraints: { resourceRules: deploymentRules },
          validations: [
            {
              expression: 'object.spec.replicas <= 5',
              messageExpression: "'replicas must be at most 5, got ' + string(object.spec.replicas)",
            },
          ],
        },
      } as KubernetesObject);
      await ctx.create<KubernetesObject>({
        apiVersion: API,
        kind: 'ValidatingAdmissionPolicyBinding',
        metadata: { name: policy },
        spec: {
          policyName: policy,
          validationActions: ['Deny'],
          matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ctx.namespace } } },
        },
      } as KubernetesObject);
    });

    const dryRunCreate = (namespace: string, replicas: number) =>
      apiRequest(ctx, {
        method: 'POST',
        path: `/apis/apps/v1/namespaces/${namespace}/deployments?dryRun=All`,
        body: deployment(`replicas-${replicas}`, replicas),
      });

    await ctx.featureStep('a Deployment with 6 replicas is denied with the policy message (once the policy is active)', async () => {
      const res = await ctx.eventually(
        async () => {
          const r = await dryRunCreate(ctx.namespace, 6);
          return r.status === 201 ? undefined : r;
        },
        { timeoutSeconds: 60, intervalMs: 1000, description: 'the policy to deny a 6-replica Deployment' },
      );
      // A denial without an explicit `reason` in the validation is reported as 422 Invalid.
      ctx.assert.equal(res.status, 422, `HTTP ${res.status}: ${res.body}`);
      ctx.assert.equal(json(res).reason, 'Invalid', 'Status reason');
      const message = String(json(res).message ?? '');
      ctx.assert.includes(message, `ValidatingAdmissionPolicy '${policy}' with binding '${policy}' denied request`);
      ctx.assert.includes(message, 'replicas must be at most 5, got 6');
    });

    await ctx.step('a Deployment with 3 replicas is admitted', async () => {
      await ctx.create(deployment('replicas-3', 3));
    });

    await ctx.step('namespaces outside the binding are not affected', async () => {
      const res = await dryRunCreate('default', 6);
      ctx.assert.equal(res.status, 201, `a 6-replica Deployment in "default" is admitted (HTTP ${res.status}: ${res.body})`);
    });

    await typeCheckingWarns(ctx, API);
  },
});
