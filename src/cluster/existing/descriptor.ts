// A cluster kindlab did not create (run --cluster of another tool's, --kubeconfig): it can be
// planned against and run on, never created, changed or deleted.
import type { ProviderDescriptor } from '../capabilities.js';
import { UsageError } from '../../errors.js';

export const existingDescriptor: ProviderDescriptor = {
  name: 'existing',
  summary: 'a cluster reached through a kubeconfig: checked, never created or deleted',
  capabilities: { createsClusters: false, nodes: false, runsFrom: 'nothing', apiServerOnHost: false, kindConfig: false, exportsKubeconfig: false, cost: Number.POSITIVE_INFINITY },
  load: () => Promise.reject(new UsageError('kindlab does not create, change or delete existing clusters')),
};
