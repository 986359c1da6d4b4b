// The commented template `kindlab new scenario <id>` writes.
export function scenarioTemplate(id: string): string {
  return `// ${id}: say in one or two sentences what feature this proves and why it matters.
import { defineScenario } from 'kindlab';

export default defineScenario({
  id: '${id}',
  title: 'What is created and what is expected',
  // kep: 1234,
  tags: ['example'],
  // Kubernetes versions this applies to (semver range); others are skipped with the reason.
  versions: '>=1.30',
  requires: {
    // needs: 'api' runs on the local provider (no kubelet); 'node' needs pods that really run (kind).
    needs: 'api',
    // featureGates: { SomeGate: true },            // gates that no longer exist are skipped, locked GA gates dropped
    // runtimeConfig: { 'example.k8s.io/v1beta1': 'true' },
    // apiServerFlags: { 'some-flag': '\${KINDLAB_FILES}/config.yaml' },
    // files: [{ name: 'config.yaml', content: '...' }],
    // workers: 1,
  },
  timeoutSeconds: 120,
  async run(ctx) {
    // Everything namespaced goes into ctx.namespace (created for this scenario, deleted afterwards).
    await ctx.step('create a ConfigMap', () =>
      ctx.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'example' }, data: { key: 'value' } }),
    );

    await ctx.step('read it back', async () => {
      const cm = await ctx.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'example' });
      ctx.assert.matches(cm, { data: { key: 'value' } });
    });

    // The negative case: invalid input is rejected with the API server's message.
    await ctx.step('an invalid name is rejected', async () => {
      await ctx.assert.rejects(
        ctx.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Not_Valid' } }),
        /Invalid value/,
      );
    });
  },
});
`;
}
