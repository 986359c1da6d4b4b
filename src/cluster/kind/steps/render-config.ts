// Step: write the profile's files and the rendered kind config into the cluster's state folder.
import { requestedImage } from '../../provider.js';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../../errors.js';
import { renderKindConfig } from '../../../kind/config.js';
import { hostAdjustments } from '../../host-compat.js';
import { writeFileAtomic } from '../../../state/atomic.js';
import type { KindStepContext } from './context.js';

export function renderConfigStep(sc: KindStepContext): void {
  const filesDir = join(sc.clusterDir, 'files');
  const host = hostAdjustments(sc.req.kubernetesVersion, { cgroupVersion: sc.hostCgroup });
  for (const note of host.notes) sc.ctx.log.info(note);
  const { yaml } = renderKindConfig({
    hostKubelet: host.kubelet,
    profile: sc.req.profile,
    image: requestedImage(sc.req),
    kubernetesVersion: sc.req.kubernetesVersion,
    kindVersion: sc.kindVersion,
    filesHostDir: filesDir,
    userConfig: sc.req.userConfig?.parsed,
    userConfigPath: sc.req.userConfig?.path,
    clusterName: sc.req.name,
  });
  sc.kindConfigYaml = yaml;
  if (sc.ctx.dryRun) {
    const print = sc.ctx.print ?? ((t: string) => sc.ctx.log.info(t));
    print(`# kind config (${sc.configFile}):\n${yaml}`);
    return;
  }
  mkdirSync(filesDir, { recursive: true, mode: 0o700 });
  chmodSync(filesDir, 0o755); // the API server in the node reads these files
  for (const f of sc.req.profile.files) {
    if (!/^[A-Za-z0-9._-]+$/.test(f.name)) throw new UsageError(`profile file name "${f.name}" must be a plain file name`);
    writeFileSync(join(filesDir, f.name), f.content, { mode: 0o644 });
  }
  writeFileAtomic(sc.configFile, yaml, 0o600);
}
