// The kind provider as the rest of kindlab sees it: its name, what it can do, how a ref becomes
// the node image it runs, and the machine its nodes run on.
import type { ProviderDescriptor } from '../capabilities.js';

export const kindDescriptor: ProviderDescriptor = {
  name: 'kind',
  summary: 'real nodes: kind clusters from a node image',
  capabilities: { createsClusters: true, nodes: true, runsFrom: 'node-image', apiServerOnHost: false, kindConfig: true, exportsKubeconfig: true, cost: 10 },
  load: async () => new (await import('./provider.js')).KindProvider(),
  // Lazy: builders and docker probes are needed by runs, not by --help.
  buildFromRef: async (source, deps) => {
    const built = await (await import('../../source/build-image.js')).buildNodeImage(source, deps);
    return { image: built.image, commit: built.commit, version: (await import('../image-version.js')).versionFromImage(built.image) };
  },
  hostFacts: async (ctx, image) => (await import('./host-facts.js')).kindHostFacts(ctx, image),
};
