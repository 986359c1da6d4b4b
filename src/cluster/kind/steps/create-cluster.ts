// Step: `kind create cluster` with the rendered config, writing the kubeconfig into kindlab's
// state folder (never ~/.kube/config) with mode 0600.
import { chmodSync, existsSync } from 'node:fs';
import { Kind } from '../../../kind/driver.js';
import type { KindStepContext } from './context.js';

export async function createClusterStep(sc: KindStepContext): Promise<void> {
  const kind = new Kind(sc.ctx.runner, sc.ctx.signal);
  await kind.createCluster({
    name: sc.req.name,
    configFile: sc.configFile,
    kubeconfig: sc.kubeconfig,
    waitSeconds: sc.req.waitSeconds,
    logFile: sc.logFile,
  });
  if (existsSync(sc.kubeconfig)) chmodSync(sc.kubeconfig, 0o600);
}
