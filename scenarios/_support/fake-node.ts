// A hand-made Node object with no kubelet behind it, for API-level scenarios that need pods bound
// to a node (status patched by hand, eviction, exec routing). Pods bound to it never terminate by
// themselves, so the scenario force-deletes them on cleanup.
import type { ScenarioContext } from 'kindlab';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { clusterScopedName } from './cluster.js';

export interface FakeNodeOptions {
  /** Address and port the API server would dial for this node's kubelet (exec, logs, proxy). */
  kubeletAddress?: string;
  kubeletPort?: number;
}

/** Create a Node named after the scenario namespace; returns its name. Tracked for cleanup by ctx.create. */
export async function createFakeNode(ctx: ScenarioContext, suffix: string, opts: FakeNodeOptions = {}): Promise<string> {
  const name = clusterScopedName(ctx, suffix);
  // Registered first so that it runs after the Node's own cleanup has been queued: pods bound to a
  // node without a kubelet stay Terminating forever unless they are force-deleted.
  ctx.cleanup(async () => {
    await ctx.kubectl(['delete', 'pods', '--all', '-n', ctx.namespace, '--grace-period=0', '--force', '--wait=false']);
  });
  await ctx.create<V1Node>({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kindlab.io/fake-node': 'true', 'kindlab.io/namespace': ctx.namespace } },
    spec: {
      // Keep the scheduler (where there is one) from placing other scenarios' pods here.
      unschedulable: true,
      taints: [{ key: 'kindlab.io/fake-node', value: 'true', effect: 'NoSchedule' }],
    },
  });
  if (opts.kubeletAddress !== undefined) {
    const patch = {
      status: {
        addresses: [{ type: 'InternalIP', address: opts.kubeletAddress }],
        daemonEndpoints: { kubeletEndpoint: { Port: opts.kubeletPort ?? 10250 } },
      },
    };
    const res = await ctx.kubectl(['patch', 'node', name, '--subresource=status', '--type=merge', '-p', JSON.stringify(patch)]);
    if (res.exitCode !== 0) throw new Error(`could not set the status of fake node ${name}: ${res.stderr}`);
  }
  return name;
}

/** Patch a pod's status as a kubelet would (phase, conditions). */
export async function setPodStatus(ctx: ScenarioContext, pod: string, status: Record<string, unknown>): Promise<void> {
  const res = await ctx.kubectl(['patch', 'pod', pod, '-n', ctx.namespace, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status })]);
  if (res.exitCode !== 0) throw new Error(`could not patch the status of pod ${pod}: ${res.stderr}`);
}

/**
 * A pause pod bound to a (fake) node: no scheduler needed, tolerating the fake node's taint.
 * Scenarios then patch its status, evict it, or reach it through the API server's kubelet routes.
 */
export async function createPodOnNode(ctx: ScenarioContext, name: string, node: string, labels?: Record<string, string>): Promise<V1Pod> {
  return ctx.create<V1Pod>({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, ...(labels ? { labels } : {}) },
    spec: {
      nodeName: node,
      automountServiceAccountToken: false,
      tolerations: [{ operator: 'Exists' }],
      containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10' }],
    },
  });
}
