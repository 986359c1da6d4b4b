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
    // feature: 'SomeGate',                          // the feature under test: its stage at the target version comes from
    //                                              // kindlab's gate table; alpha/beta set the gate, GA sets nothing, and
    //                                              // where the gate does not exist the scenario is skipped with the reason
    // perVersion: [                                // needs that follow the version (first match wins; read ctx.stage in run)
    //   { stage: 'beta', runtimeConfig: { 'example.k8s.io/v1beta1': 'true' }, apiVersion: 'example.k8s.io/v1beta1' },
    //   { stage: 'ga', apiVersion: 'example.k8s.io/v1' },
    //   { versions: '>=1.32', kubelet: { someKubeletField: true } },
    // ],
    // featureGates: { OtherGate: true },           // further gates; gates that no longer exist are skipped, locked GA gates dropped
    // runtimeConfig: { 'example.k8s.io/v1beta1': 'true' },
    // apiServerFlags: { 'some-flag': '\${KINDLAB_FILES}/config.yaml' },
    // files: [{ name: 'config.yaml', content: '...' }],
    // workers: 1,
    // host: { kernel: '6.3', runtime: { containerd: '2.0' } },   // checked before a kind cluster is made
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
