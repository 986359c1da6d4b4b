// A cluster as scenarios see it: its facts read through the cluster API (version, gates, nodes,
// APIs) plus what its provider knows (nodes or not, images loaded, logs it can export).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AppEnv } from '../../app/env.js';
import { providerContext } from '../../app/env.js';
import { canExportLogs, canListNodeImages } from '../../cluster/provider.js';
import { UsageError } from '../../errors.js';
import type { RunTarget } from '../../scenario/runner.js';
import type { ClusterRecord } from '../../state/records.js';

/** The kubectl a run uses: $KINDLAB_KUBECTL, then one a reload built for the cluster, then one next to the cluster's binaries, then PATH. */
export function kubectlFor(env: NodeJS.ProcessEnv, binDir?: string, reloaded?: string): string {
  if (env.KINDLAB_KUBECTL) return env.KINDLAB_KUBECTL;
  if (reloaded && existsSync(reloaded)) return reloaded;
  if (binDir && existsSync(join(binDir, 'kubectl'))) return join(binDir, 'kubectl');
  return 'kubectl';
}

export async function targetFromRecord(app: AppEnv, rec: ClusterRecord): Promise<RunTarget> {
  const info = await app.clusterApi.readInfo(rec.kubeconfig, rec.provider, rec.profile.featureGates, app.signal);
  const caps = app.providers.capabilitiesOf(rec.provider);
  if (!caps.nodes) info.hasNodes = false;
  info.apiServerOnHost = caps.apiServerOnHost;
  info.reconfigurable = caps.createsClusters;
  info.loadedImages = rec.loadedImages;
  const target: RunTarget = { name: rec.name, kubeconfigPath: rec.kubeconfig, info, kubectl: kubectlFor(app.env, rec.binDir, rec.kubectl) };
  // Whichever provider made the cluster collects its logs (kind export logs, local component logs).
  const provider = await app.providers.get(rec.provider);
  if (canListNodeImages(provider)) {
    const images = await provider.nodeImages(rec, providerContext(app)).catch(() => []);
    if (images.length) info.nodeImages = images;
  }
  if (canExportLogs(provider)) target.exportLogs = (dir) => provider.exportLogs(rec, dir, providerContext(app));
  return target;
}

/** Any cluster a kubeconfig reaches: nothing is known of it but what its API says. */
export async function targetFromKubeconfig(app: AppEnv, path: string): Promise<RunTarget> {
  if (!existsSync(path)) throw new UsageError(`kubeconfig ${path} does not exist`, { hint: 'pass --kubeconfig, set KUBECONFIG, or use --cluster NAME for a kindlab cluster' });
  const existing = app.providers.existing;
  const info = await app.clusterApi.readInfo(path, existing.name, {}, app.signal);
  info.reconfigurable = existing.capabilities.createsClusters;
  return { name: existing.name, kubeconfigPath: path, info, kubectl: kubectlFor(app.env) };
}
