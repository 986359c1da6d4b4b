// KEP-2590: kubectl --subresource. get/patch/edit/replace (and apply from beta) can address the
// status and scale subresources directly, e.g. to fix a status by hand or read a Scale object.
// Alpha in kubectl 1.24, beta 1.27, GA 1.33 — it is a client feature, so what matters is the
// version of the kubectl this scenario runs, which is checked first.
import { defineScenario, type ScenarioContext } from 'kindlab';
import type { V1Deployment } from '@kubernetes/client-node';

const DEPLOY = 'web';

/** A Deployment's scale and status subresources, read and patched with --subresource. */
async function deploymentScaleAndStatus(ctx: ScenarioContext): Promise<void> {
  await ctx.step('create a Deployment with 3 replicas', () =>
    ctx.create<V1Deployment>({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: DEPLOY },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: DEPLOY } },
        template: {
          metadata: { labels: { app: DEPLOY } },
          spec: { automountServiceAccountToken: false, containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10' }] },
        },
      },
    }),
  );

  await ctx.step('get --subresource=scale returns a Scale', async () => {
    const res = await ctx.kubectl(['get', 'deploy', DEPLOY, '-n', ctx.namespace, '--subresource=scale', '-o', 'json']);
    ctx.assert.equal(res.exitCode, 0, res.stderr);
    ctx.assert.matches(JSON.parse(res.stdout), {
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: { name: DEPLOY },
      spec: { replicas: 3 },
      status: { selector: `app=${DEPLOY}` },
    });
  });

  await ctx.step('get --subresource status returns the Deployment with its status', async () => {
    const res = await ctx.kubectl(['get', 'deploy', DEPLOY, '-n', ctx.namespace, '--subresource', 'status', '-o', 'json']);
    ctx.assert.equal(res.exitCode, 0, res.stderr);
    const obj = JSON.parse(res.stdout) as V1Deployment;
    ctx.assert.equal(obj.kind, 'Deployment', 'kind');
    ctx.assert.ok(obj.status !== undefined, 'status present');
    const table = await ctx.kubectl(['get', 'deploy', DEPLOY, '-n', ctx.namespace, '--subresource=scale']);
    ctx.assert.includes(table.stdout, /DESIRED/, 'the Scale is printed as a table with a DESIRED column');
  });

  await ctx.step('patch --subresource=scale changes the replicas', async () => {
    const res = await ctx.kubectl([
      'patch', 'deploy', DEPLOY, '-n', ctx.namespace, '--subresource=scale', '--type=merge', '-p', '{"spec":{"replicas":2}}',
    ]);
    ctx.assert.equal(res.exitCode, 0, res.stderr);
    const d = await ctx.get<V1Deployment>({ apiVersion: 'apps/v1', kind: 'Deployment', name: DEPLOY });
    ctx.assert.equal(d.spec?.replicas, 2, 'spec.replicas after patching the scale subresource');
  });
}

/** A custom resource's status changes only through its status subresource: kubectl patch --subresource=status. */
async function customResourceStatus(ctx: ScenarioContext): Promise<void> {
  // A custom resource of this run's own group: its status changes only through the status subresource.
  const group = `${ctx.namespace}.kindlab.example.com`;
  const crd = `kltests.${group}`;
  await ctx.step('a CRD with a status subresource', async () => {
    await ctx.create({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: crd },
      spec: {
        group,
        scope: 'Namespaced',
        names: { plural: 'kltests', singular: 'kltest', kind: 'KlTest' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            subresources: { status: {} },
            schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, status: { type: 'object', properties: { phase: { type: 'string' } } } } } },
          },
        ],
      },
    });
    const res = await ctx.kubectl(['wait', '--for=condition=Established', `crd/${crd}`, '--timeout=60s']);
    ctx.assert.equal(res.exitCode, 0, res.stderr);
    await ctx.create({ apiVersion: `${group}/v1`, kind: 'KlTest', metadata: { name: 'one' }, spec: {} });
  });

  const phase = async (extra: string[] = []): Promise<string | undefined> => {
    const res = await ctx.kubectl(['get', `kltests.${group}`, 'one', '-n', ctx.namespace, ...extra, '-o', 'json']);
    ctx.assert.equal(res.exitCode, 0, res.stderr);
    return (JSON.parse(res.stdout) as { status?: { phase?: string } }).status?.phase;
  };
  await ctx.step('a plain patch of .status is ignored; patch --subresource=status sets it', async () => {
    const plain = await ctx.kubectl(['patch', `kltests.${group}`, 'one', '-n', ctx.namespace, '--type=merge', '-p', '{"status":{"phase":"plain"}}']);
    ctx.assert.equal(plain.exitCode, 0, plain.stderr);
    ctx.assert.equal(await phase(), undefined, 'status.phase after a plain patch (the main resource ignores .status)');
    const viaStatus = await ctx.kubectl(['patch', `kltests.${group}`, 'one', '-n', ctx.namespace, '--subresource=status', '--type=merge', '-p', '{"status":{"phase":"via-subresource"}}']);
    ctx.assert.equal(viaStatus.exitCode, 0, viaStatus.stderr);
    ctx.assert.equal(await phase(), 'via-subresource', 'status.phase after patch --subresource=status');
    ctx.assert.equal(await phase(['--subresource=status']), 'via-subresource', 'get --subresource=status shows the same status');
  });
}

export default defineScenario({
  id: 'kubectl-subresource',
  title: 'kubectl get/patch --subresource=scale|status',
  kep: 2590,
  tags: ['1.24', 'sig-cli', 'kubectl'],
  versions: '>=1.24',
  requires: { needs: 'api' },
  description:
    'Creates a Deployment (its pods need not run). `kubectl get deploy web --subresource=scale -o json` returns an ' +
    'autoscaling/v1 Scale with spec.replicas; `--subresource status` returns the Deployment with its status; ' +
    '`kubectl patch --subresource=scale` changes spec.replicas of the Deployment. On a custom resource with a status ' +
    'subresource (no controller to interfere), a plain `kubectl patch` of .status is ignored by the API server, while ' +
    '`kubectl patch --subresource=status` sets it, and `get --subresource=status` returns what a plain get shows. Using --subresource on a list ' +
    '(no name, or -A) is refused by kubectl with "subresource cannot be used when bulk resources are specified", ' +
    'and a subresource the resource does not have (logs) is refused.',
  async run(ctx: ScenarioContext) {
    await ctx.step('kubectl is new enough for --subresource (≥1.24)', async () => {
      const v = await ctx.kubectl(['version', '--client', '-o', 'json']);
      const gitVersion = (JSON.parse(v.stdout) as { clientVersion?: { gitVersion?: string } }).clientVersion?.gitVersion ?? '';
      ctx.log(`kubectl ${gitVersion}`);
      const m = /^v(\d+)\.(\d+)/.exec(gitVersion);
      if (!m || Number(m[1]) !== 1 || Number(m[2]) < 24) ctx.skip(`kubectl ${gitVersion || '(unknown)'} has no --subresource flag (needs ≥1.24)`);
    });

    await deploymentScaleAndStatus(ctx);

    await customResourceStatus(ctx);

    await ctx.step('--subresource on a list is refused by kubectl', async () => {
      for (const args of [['get', 'deploy', '-n', ctx.namespace], ['get', 'deploy', '-A']]) {
        const res = await ctx.kubectl([...args, '--subresource=status']);
        ctx.assert.ok(res.exitCode !== 0, `kubectl ${args.join(' ')} --subresource=status must fail`);
        ctx.assert.includes(res.stderr, 'subresource cannot be used when bulk resources are specified');
      }
    });

    await ctx.step('a subresource the resource does not have is refused', async () => {
      const res = await ctx.kubectl(['get', 'deploy', DEPLOY, '-n', ctx.namespace, '--subresource=logs']);
      ctx.assert.ok(res.exitCode !== 0, 'kubectl get deploy --subresource=logs must fail');
      // kubectl ≤1.2x rejected unknown values itself; newer kubectl sends the request and the API server answers 404.
      ctx.assert.includes(res.stderr, /could not find the requested resource|invalid subresource|supported values/i);
    });
  },
});
