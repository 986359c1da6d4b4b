// The local provider as the rest of kindlab sees it: its name, what it can do, where its
// binaries come from, and how a ref becomes binaries it runs.
import type { ProviderDescriptor } from '../capabilities.js';
import { defaultLabBinDir } from './bin-dir.js';

export const localDescriptor: ProviderDescriptor = {
  name: 'local',
  summary: 'etcd + kube-apiserver + kube-controller-manager on loopback, no nodes',
  capabilities: { createsClusters: true, nodes: false, runsFrom: 'binaries', apiServerOnHost: true, kindConfig: false, exportsKubeconfig: false, cost: 1 },
  load: async () => new (await import('./provider.js')).LocalProvider(),
  defaultBinDir: (env) => defaultLabBinDir(env),
  // Lazy: the builder is only needed by a run from a ref, not by --help.
  buildFromRef: async (source, deps) => {
    const built = await (await import('../../source/build-components.js')).buildComponents(source, deps);
    return { binDir: built.binDir, commit: built.commit, version: built.gitVersion };
  },
};
