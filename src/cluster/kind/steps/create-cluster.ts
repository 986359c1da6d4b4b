// Step: `kind create cluster` with the rendered config, writing the kubeconfig into kindlab's
// state folder (never ~/.kube/config) with mode 0600.
import { chmodSync, existsSync } from 'node:fs';
import { ProcessError } from '../../../errors.js';
import { diagnoseKindFailure } from '../../../kind/diagnose.js';
import { Kind } from '../../../kind/driver.js';
import type { KindStepContext } from './context.js';

export async function createClusterStep(sc: KindStepContext): Promise<void> {
  const kind = new Kind(sc.ctx.runner, sc.ctx.signal);
  try {
    await kind.createCluster({
      name: sc.req.name,
      configFile: sc.configFile,
      kubeconfig: sc.kubeconfig,
      waitSeconds: sc.req.waitSeconds,
      logFile: sc.logFile,
    });
  } catch (e) {
    if (e instanceof ProcessError) {
      const hint = diagnoseKindFailure(e.outputTail);
      throw new ProcessError(`kind could not create cluster "${sc.req.name}"`, e.argv, e.processExitCode, e.outputTail, {
        logFile: e.logFile,
        hint,
        cause: e,
      });
    }
    throw e;
  }
  if (existsSync(sc.kubeconfig)) chmodSync(sc.kubeconfig, 0o600);
}
