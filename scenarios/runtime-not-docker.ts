// KEP-2221: dockershim is gone from the kubelet (1.24). A node now talks CRI to containerd, CRI-O or
// another runtime; Docker Engine only remains possible through the external cri-dockerd. The runtime
// a kubelet uses is visible on its Node: status.nodeInfo.containerRuntimeVersion = <runtime>://<ver>.
import { defineScenario, type ScenarioContext } from 'kindlab';
import { kubeletNodes } from './_support/nodes.js';

export default defineScenario({
  id: 'runtime-not-docker',
  title: 'Nodes run a CRI runtime, not Docker through dockershim',
  kep: 2221,
  tags: ['1.24', 'removal', 'sig-node'],
  versions: '>=1.24',
  requires: { needs: 'node' },
  description:
    'Reads status.nodeInfo.containerRuntimeVersion of every node with a real kubelet (hand-made Nodes that ' +
    'other scenarios create in parallel are left out): it has the form <runtime>://<version> and the runtime ' +
    'is not docker. A docker:// node on ≥1.24 can only be cri-dockerd, which the scenario reports as a failure ' +
    'with that explanation. On kind it cannot fail (kind nodes always run containerd): there it proves that ' +
    'the kubelet registered over CRI and reports the runtime it talks to; its use is on existing clusters.',
  async run(ctx: ScenarioContext) {
    const nodes = await ctx.step('list nodes', async () => {
      const list = await kubeletNodes(ctx);
      if (list.length === 0) ctx.skip('the cluster has no node with a Ready kubelet');
      return list;
    });
    for (const node of nodes) {
      await ctx.step(`node ${node.metadata?.name}: runtime is not docker://`, async () => {
        const runtime = node.status?.nodeInfo?.containerRuntimeVersion ?? '';
        ctx.log(`${node.metadata?.name}: containerRuntimeVersion=${runtime} kubelet=${node.status?.nodeInfo?.kubeletVersion}`);
        ctx.assert.includes(runtime, /^[a-z0-9.-]+:\/\/\S+$/, 'containerRuntimeVersion has the form <runtime>://<version>');
        ctx.assert.ok(
          !runtime.startsWith('docker://'),
          `${node.metadata?.name} reports ${runtime}: dockershim was removed in 1.24, so this is Docker Engine through cri-dockerd`,
        );
      });
    }
  },
});
