// Images the scenarios need that a cluster's nodes lack, loaded from the local docker daemon where
// its provider can (kind). What is in neither place stays missing, and the runner skips the
// scenarios that need it with the image's name.
import type { AppEnv } from '../../app/env.js';
import { providerContext } from '../../app/env.js';
import { canLoadImages } from '../../cluster/provider.js';
import { Docker } from '../../docker/docker.js';
import { requirementsFor } from '../../plan/requirements.js';
import { missingImages } from '../../scenario/missing-images.js';
import type { RunTarget } from '../../scenario/runner.js';
import type { Scenario } from '../../scenario/types.js';
import type { ClusterRecord } from '../../state/records.js';

export async function loadMissingImages(app: AppEnv, rec: ClusterRecord, target: RunTarget, scenarios: readonly Scenario[]): Promise<void> {
  const provider = await app.providers.get(rec.provider);
  if (!canLoadImages(provider)) return;
  const wanted = [...new Set(scenarios.flatMap((s) => requirementsFor(s, target.info).images))];
  const docker = new Docker(app.runner, app.signal);
  const loadable: string[] = [];
  for (const ref of missingImages(wanted, target.info)) if (await docker.imageInfo(ref)) loadable.push(ref);
  if (loadable.length === 0) return;
  app.progress(`loading into ${rec.name} from the local docker daemon: ${loadable.join(', ')}\n`);
  await provider.loadImages(rec, loadable, providerContext(app));
  target.info.loadedImages = [...(target.info.loadedImages ?? []), ...loadable];
}
