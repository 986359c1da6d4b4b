// What a scenario may know about the cluster it runs on: version (/version), feature gates as the
// API server reports them (kubernetes_feature_enabled, 1.26+) over what the profile set, and
// whether nodes can run pods.
import * as k8s from '@kubernetes/client-node';
import semver from 'semver';
import { EnvironmentError } from '../errors.js';
import { rawGet } from './api-request.js';
import { nodeFactsFromNode, servedApisFromDiscovery, type NodeFacts } from '../plan/existing.js';
import type { ClusterInfo } from './types.js';
import { parseFeatureMetric } from './feature-metric.js';

export { parseFeatureMetric };

export async function readClusterInfo(kubeconfigPath: string, provider: ClusterInfo['provider'], profileGates: Record<string, boolean> = {}, signal?: AbortSignal): Promise<ClusterInfo> {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  let versionJson: string;
  try {
    versionJson = await rawGet(kc, '/version', signal);
  } catch (e) {
    throw new EnvironmentError(`cannot reach the cluster's API server (${kc.getCurrentCluster()?.server ?? 'no server'}): ${(e as Error).message}`, {
      hint: 'check the kubeconfig, that the cluster is up (kindlab ls), and that your credentials are valid',
    });
  }
  const gitVersion = (JSON.parse(versionJson) as { gitVersion: string }).gitVersion;
  const version = semver.coerce(gitVersion)?.version ?? gitVersion.replace(/^v/, '');
  let reported: Record<string, boolean> = {};
  try {
    reported = parseFeatureMetric(await rawGet(kc, '/metrics', signal));
  } catch {
    /* metrics not readable with these credentials: fall back to the profile */
  }
  let hasNodes = false;
  let nodeImages: string[] | undefined;
  let nodeFacts: NodeFacts[] | undefined;
  try {
    const nodes = await kc.makeApiClient(k8s.CoreV1Api).listNode();
    const ready = nodes.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    // The kubelet configuration of ready nodes, through the API server's node proxy (configz).
    nodeFacts = await Promise.all(
      nodes.items.map(async (n) => {
        if (!ready.includes(n)) return nodeFactsFromNode(n);
        try {
          return nodeFactsFromNode(n, { body: JSON.parse(await rawGet(kc, `/api/v1/nodes/${encodeURIComponent(n.metadata?.name ?? '')}/proxy/configz`, signal)) as unknown });
        } catch (e) {
          return nodeFactsFromNode(n, { error: (e as Error).message.split('\n')[0] ?? 'unreadable' });
        }
      }),
    );
    hasNodes = ready.length > 0;
    // A scenario's pod may land on any node: an image counts when every ready node reports it.
    const perNode = ready.map((n) => new Set((n.status?.images ?? []).flatMap((i) => i.names ?? [])));
    nodeImages = perNode.length ? [...perNode[0]!].filter((name) => perNode.every((s) => s.has(name))).sort() : [];
  } catch {
    hasNodes = false;
  }
  let servedApis: string[] | undefined;
  try {
    servedApis = servedApisFromDiscovery(JSON.parse(await rawGet(kc, '/api', signal)), JSON.parse(await rawGet(kc, '/apis', signal)));
  } catch {
    servedApis = undefined;
  }
  return { gitVersion, version, provider, featureGates: { ...profileGates, ...reported }, hasNodes, nodeImages, nodes: nodeFacts, servedApis };
}
