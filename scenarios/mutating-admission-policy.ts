// KEP-3962: MutatingAdmissionPolicy. Mutations written in CEL and applied inside the API server — the
// webhook-free counterpart of ValidatingAdmissionPolicy. The example is the one from the 2024 talk:
// a "Bring Your Own CRD" parameter object (kind Sidecar) describes a sidecar, and the policy injects
// it as an init container with restartPolicy: Always into every new pod of the bound namespace, once.
//
// API versions: v1alpha1 in 1.32–1.33 and v1beta1 in 1.34–1.35 (both need the gate and
// --runtime-config), v1 from 1.36 (GA). Requirements cannot be declared per version, so the scenario
// declares the union (gate + both runtime-config entries, which every version from 1.32 on accepts)
// and picks the API version it talks to from the cluster version.
//
// Two corrections to the slide's YAML, both found by running it against kube-apiserver v1.37.2:
// - `!object.spec.initContainers.exists(...)` fails with "no such key: initContainers" on pods that
//   have no init containers (and failurePolicy: Fail then denies them): it needs a has() guard;
// - `args: params.args` is refused: "invalid ApplyConfiguration: may not mutate atomic arrays, maps or
//   structs: .spec.initContainers[0].args" (args is an atomic list), so args are left out here.
import { defineScenario, type ScenarioContext } from 'kindlab';
import type { KubernetesObject, V1Container, V1Pod } from '@kubernetes/client-node';
import { clusterScopedName, minor } from './_support/cluster.js';
import { apiRequest, json } from './_support/http.js';

const SIDECAR = 'mesh-proxy';
/** A sidecar image the pod brings itself; never pulled for the check (the spec is what is read). */
const OWN_SIDECAR_IMAGE = 'registry.invalid/own-mesh-proxy:1';
const PAUSE = 'registry.k8s.io/pause:3.10';

/** admissionregistration.k8s.io version that serves MutatingAdmissionPolicy at this minor. */
export function mapApiVersion(m: number): string {
  if (m >= 36) return 'admissionregistration.k8s.io/v1';
  if (m >= 34) return 'admissionregistration.k8s.io/v1beta1';
  return 'admissionregistration.k8s.io/v1alpha1';
}

function pod(name: string, initContainers?: V1Container[]): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      automountServiceAccountToken: false,
      ...(initContainers ? { initContainers } : {}),
      containers: [{ name: 'app', image: PAUSE }],
    },
  };
}

/**
 * Why a pod that brought its own sidecar (same name, its own image and args) was changed by the
 * policy, or undefined when admission left it alone. The image is the tell: ApplyConfiguration merges
 * init containers by name and the policy sets no args, so a merged sidecar keeps its args but gets the
 * parameter's image.
 */
export function ownSidecarProblem(p: V1Pod, own: V1Container): string | undefined {
  const init = p.spec?.initContainers ?? [];
  if (init.map((c) => c.name).join(',') !== own.name) return `init containers after admission: ${init.map((c) => c.name).join(',') || '(none)'}, want only ${own.name}`;
  const c = init[0]!;
  if (c.image !== own.image) return `the pod's own sidecar image ${own.image} was replaced by ${c.image}: the policy applied to a pod that already had the sidecar`;
  if (JSON.stringify(c.args ?? []) !== JSON.stringify(own.args ?? [])) return `the pod's own sidecar args ${JSON.stringify(own.args)} became ${JSON.stringify(c.args)}`;
  return undefined;
}

const podRules = [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }];
const initNames = (p: V1Pod) => (p.spec?.initContainers ?? []).map((c) => c.name);
const inNamespace = (namespace: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } } });

/** The "Bring Your Own CRD" parameter kind: a Sidecar {name, image, args, restartPolicy}. */
function sidecarCrd(group: string): KubernetesObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `sidecars.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural: 'sidecars', singular: 'sidecar', kind: 'Sidecar' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  required: ['name', 'image'],
                  properties: { name: { type: 'string' }, image: { type: 'string' }, args: { type: 'array', items: { type: 'string' } }, restartPolicy: { type: 'string' } },
                },
              },
            },
          },
        },
      ],
    },
  } as KubernetesObject;
}

/** The talk's policy: inject the parameter's sidecar as an init container, unless the pod has it already. */
function sidecarPolicy(api: string, name: string, group: string): KubernetesObject {
  return {
    apiVersion: api,
    kind: 'MutatingAdmissionPolicy',
    metadata: { name },
    spec: {
      paramKind: { apiVersion: `${group}/v1`, kind: 'Sidecar' },
      matchConstraints: { resourceRules: podRules },
      matchConditions: [
        {
          name: 'does-not-already-have-sidecar',
          expression: '!has(object.spec.initContainers) || !object.spec.initContainers.exists(ic, ic.name == params.spec.name)',
        },
      ],
      failurePolicy: 'Fail',
      reinvocationPolicy: 'IfNeeded',
      mutations: [
        {
          patchType: 'ApplyConfiguration',
          applyConfiguration: {
            expression:
              'Object{ spec: Object.spec{ initContainers: [ Object.spec.initContainers{ ' +
              'name: params.spec.name, image: params.spec.image, restartPolicy: params.spec.restartPolicy } ] } }',
          },
        },
      ],
    },
  } as KubernetesObject;
}

function binding(api: string, policyName: string, namespace: string, paramRef?: { name: string; namespace: string; parameterNotFoundAction: 'Deny' }): KubernetesObject {
  return {
    apiVersion: api,
    kind: 'MutatingAdmissionPolicyBinding',
    metadata: { name: policyName },
    spec: { policyName, ...(paramRef ? { paramRef } : {}), matchResources: inNamespace(namespace) },
  } as KubernetesObject;
}

/**
 * Reinvocation, observable whatever order the API server runs policies in: policy `me` labels the
 * pod with whether the other one has run. Run once each, the first to run cannot see the second
 * (one "false"); with reinvocationPolicy IfNeeded, the first is invoked again after the second
 * changed the pod and both say "true". Each pair matches only pods annotated with its policy.
 */
function sawPolicy(api: string, name: string, me: 'a' | 'b', reinvocationPolicy: 'IfNeeded' | 'Never'): KubernetesObject {
  const other = me === 'a' ? 'b' : 'a';
  return {
    apiVersion: api,
    kind: 'MutatingAdmissionPolicy',
    metadata: { name },
    spec: {
      matchConstraints: { resourceRules: podRules },
      matchConditions: [{ name: 'reinvocation-check', expression: `has(object.metadata.annotations) && "kindlab.io/reinvocation" in object.metadata.annotations && object.metadata.annotations["kindlab.io/reinvocation"] == "${reinvocationPolicy}"` }],
      failurePolicy: 'Fail',
      reinvocationPolicy,
      mutations: [
        {
          patchType: 'ApplyConfiguration',
          applyConfiguration: {
            expression:
              `Object{ metadata: Object.metadata{ labels: {"kindlab.io/${me}": "ran", ` +
              `"kindlab.io/${me}-saw-${other}": string(has(object.metadata.labels) && "kindlab.io/${other}" in object.metadata.labels)} } }`,
          },
        },
      ],
    },
  } as KubernetesObject;
}
const saw = (p: V1Pod) => [p.metadata?.labels?.['kindlab.io/a-saw-b'], p.metadata?.labels?.['kindlab.io/b-saw-a']];
const annotated = (name: string, policy: string, init?: V1Container[]): V1Pod => ({ ...pod(name, init), metadata: { name, annotations: { 'kindlab.io/reinvocation': policy } } });

/** The Sidecar kind served, and the parameter object the policy reads: mesh-proxy, restartPolicy Always. */
async function sidecarParameter(ctx: ScenarioContext, group: string): Promise<void> {
  await ctx.create<KubernetesObject>(sidecarCrd(group));
  await ctx.eventually(
    async () => {
      const r = await apiRequest(ctx, { method: 'GET', path: `/apis/${group}/v1` });
      return r.status === 200 && r.body.includes('"sidecars"');
    },
    { timeoutSeconds: 60, description: `the API ${group}/v1 to be served` },
  );
  await ctx.create<KubernetesObject>({
    apiVersion: `${group}/v1`,
    kind: 'Sidecar',
    metadata: { name: 'meshproxy' },
    spec: { name: SIDECAR, image: PAUSE, args: ['proxy', 'sidecar'], restartPolicy: 'Always' },
  } as KubernetesObject);
}

/** What admission makes of a pod, without creating it (a server-side dry run). */
async function dryRun(ctx: ScenarioContext, namespace: string, p: V1Pod): Promise<V1Pod> {
  const res = await apiRequest(ctx, { method: 'POST', path: `/api/v1/namespaces/${namespace}/pods?dryRun=All`, body: p });
  if (res.status !== 201) throw new Error(`dry-run create of pod ${p.metadata?.name} in ${namespace}: HTTP ${res.status}: ${res.body}`);
  return json<V1Pod>(res);
}

export default defineScenario({
  id: 'mutating-admission-policy',
  title: 'MutatingAdmissionPolicy injects a sidecar described by a CRD parameter, once',
  kep: 3962,
  tags: ['1.32', 'sig-api-machinery', 'admission'],
  // The gate exists from 1.30 but nothing serves the API before 1.32.
  versions: '>=1.32',
  requires: {
    needs: 'api',
    feature: { gate: 'MutatingAdmissionPolicy', components: ['kube-apiserver'] },
    perVersion: [
      { stage: 'alpha', runtimeConfig: { 'admissionregistration.k8s.io/v1alpha1': 'true' }, apiVersion: 'admissionregistration.k8s.io/v1alpha1' },
      { stage: 'beta', runtimeConfig: { 'admissionregistration.k8s.io/v1beta1': 'true' }, apiVersion: 'admissionregistration.k8s.io/v1beta1' },
      { stage: 'ga', apiVersion: 'admissionregistration.k8s.io/v1' },
    ],
  },
  timeoutSeconds: 180,
  description:
    'Creates a CRD Sidecar (cluster-scoped, removed afterwards) and a Sidecar object {name: mesh-proxy, image, ' +
    'restartPolicy: Always} in the scenario namespace; a MutatingAdmissionPolicy with that paramKind, a ' +
    'matchCondition "does not already have the sidecar", reinvocationPolicy IfNeeded and an ApplyConfiguration ' +
    'mutation; and a binding to this namespace with the Sidecar as paramRef. Once the policy is active (it is ' +
    'eventually consistent: the scenario retries with server-side dry runs) a new pod gets exactly one mesh-proxy ' +
    'init container with restartPolicy: Always; a pod that already has one is left as it is. Reinvocation, ' +
    'whatever order the API server runs policies in: two policies each label the pod with whether the other ' +
    'has run; with reinvocationPolicy Never exactly one of them says "false", with IfNeeded both say "true" ' +
    '(the first was invoked again) and the sidecar is still injected once. Pods in other namespaces are untouched.',
  async run(ctx: ScenarioContext) {
    const api = ctx.stage?.apiVersion ?? mapApiVersion(minor(ctx));
    ctx.log(`MutatingAdmissionPolicy served as ${api} on ${ctx.cluster.gitVersion}`);
    const group = `${ctx.namespace}.mutations.kindlab.io`.slice(0, 200);
    const policy = clusterScopedName(ctx, 'b-sidecar');

    await ctx.step('a CRD for the parameters, and the Sidecar parameter object', () => sidecarParameter(ctx, group));

    await ctx.featureStep(`the policy and its binding (${api})`, async () => {
      await ctx.create<KubernetesObject>(sidecarPolicy(api, policy, group));
      await ctx.create<KubernetesObject>(binding(api, policy, ctx.namespace, { name: 'meshproxy', namespace: ctx.namespace, parameterNotFoundAction: 'Deny' }));
    });

    await ctx.featureStep('the policy takes effect (eventually consistent)', async () => {
      await ctx.eventually(async () => initNames(await dryRun(ctx, ctx.namespace, pod('probe'))).includes(SIDECAR), {
        timeoutSeconds: 60,
        intervalMs: 1000,
        description: 'a dry-run pod to come back with the mesh-proxy init container',
      });
    });

    await ctx.featureStep('a new pod gets the sidecar exactly once, with restartPolicy: Always', async () => {
      await ctx.create(pod('app'));
      const p = await ctx.get<V1Pod>({ apiVersion: 'v1', kind: 'Pod', name: 'app' });
      ctx.assert.equal(initNames(p).join(','), SIDECAR, 'init containers after admission');
      ctx.assert.matches(p.spec?.initContainers?.[0], { name: SIDECAR, image: PAUSE, restartPolicy: 'Always' });
    });

    await ctx.step('a pod that already has the sidecar is left as it is', async () => {
      // Its own sidecar has another image: had the policy applied, ApplyConfiguration (which merges
      // init containers by name) would have set the image to the parameter's. Only the spec is read.
      const own: V1Container = { name: SIDECAR, image: OWN_SIDECAR_IMAGE, restartPolicy: 'Always', args: ['own'] };
      await ctx.create(pod('has-it', [own]));
      const p = await ctx.get<V1Pod>({ apiVersion: 'v1', kind: 'Pod', name: 'has-it' });
      const problem = ownSidecarProblem(p, own);
      ctx.assert.ok(!problem, problem ?? '');
    });

    await ctx.step('two policies that each record the other (IfNeeded, and the same pair with Never)', async () => {
      for (const r of ['IfNeeded', 'Never'] as const) {
        for (const me of ['a', 'b'] as const) {
          const name = clusterScopedName(ctx, `saw-${me}-${r.toLowerCase()}`);
          await ctx.create<KubernetesObject>(sawPolicy(api, name, me, r));
          await ctx.create<KubernetesObject>(binding(api, name, ctx.namespace));
        }
        await ctx.eventually(async () => saw(await dryRun(ctx, ctx.namespace, annotated('probe', r))).every((v) => v !== undefined), {
          timeoutSeconds: 60,
          intervalMs: 1000,
          description: `both ${r} policies to take effect`,
        });
      }
    });

    await ctx.step('Never: one policy ran before the other and never saw it (the order is the API server\'s)', async () => {
      const p = await dryRun(ctx, ctx.namespace, annotated('never', 'Never'));
      ctx.assert.equal(saw(p).filter((v) => v === 'false').length, 1, `exactly one of a-saw-b, b-saw-a is "false" without reinvocation: ${JSON.stringify(saw(p))}`);
    });

    await ctx.featureStep('IfNeeded: the first is reinvoked and both saw each other; the sidecar is still injected once', async () => {
      await ctx.create(annotated('with-setup', 'IfNeeded', [{ name: 'setup', image: PAUSE }]));
      const p = await ctx.get<V1Pod>({ apiVersion: 'v1', kind: 'Pod', name: 'with-setup' });
      ctx.assert.equal(saw(p), ['true', 'true'], 'a-saw-b and b-saw-a after reinvocation');
      ctx.assert.equal(initNames(p).join(','), `setup,${SIDECAR}`, 'setup kept, mesh-proxy appended once despite the reinvocations');
    });

    await ctx.step('pods in other namespaces are untouched', async () => {
      const p = await dryRun(ctx, 'default', pod('elsewhere'));
      ctx.assert.equal(initNames(p).length, 0, 'no init containers injected outside the bound namespace');
    });
  },
});
