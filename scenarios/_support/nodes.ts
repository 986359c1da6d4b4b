// Nodes with a real kubelet behind them: Ready with the kubelet's own reason (KubeletReady) and
// without the label of the hand-made Nodes other scenarios create in parallel (fake-node.ts).
import type { ScenarioContext } from 'kindlab';
import type { V1Node, V1NodeList } from '@kubernetes/client-node';

export function isKubeletNode(n: V1Node): boolean {
  if (n.metadata?.labels?.['kindlab.io/fake-node'] === 'true') return false;
  const ready = n.status?.conditions?.find((c) => c.type === 'Ready');
  return ready?.status === 'True' && ready.reason === 'KubeletReady' && Boolean(n.status?.nodeInfo?.kubeletVersion);
}

export async function kubeletNodes(ctx: ScenarioContext): Promise<V1Node[]> {
  return ((await ctx.core.listNode()) as V1NodeList).items.filter(isKubeletNode);
}
