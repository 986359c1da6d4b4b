// The kind provider as the rest of kindlab sees it: its name and what it can do.
import type { ProviderDescriptor } from '../capabilities.js';

export const kindDescriptor: ProviderDescriptor = {
  name: 'kind',
  summary: 'real nodes: kind clusters from a node image',
  capabilities: { nodes: true, runsFrom: 'node-image', apiServerOnHost: false, kindConfig: true, exportsKubeconfig: true, cost: 10 },
  load: async () => new (await import('./provider.js')).KindProvider(),
};
