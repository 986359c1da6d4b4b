// The local provider as the rest of kindlab sees it: its name and what it can do.
import type { ProviderDescriptor } from '../capabilities.js';

export const localDescriptor: ProviderDescriptor = {
  name: 'local',
  summary: 'etcd + kube-apiserver + kube-controller-manager on loopback, no nodes',
  capabilities: { nodes: false, runsFrom: 'binaries', apiServerOnHost: true, kindConfig: false, exportsKubeconfig: false, cost: 1 },
  load: async () => new (await import('./provider.js')).LocalProvider(),
};
