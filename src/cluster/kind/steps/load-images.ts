// Step: load the images the cluster's scenarios run into its nodes (`kind load docker-image`),
// from the local docker daemon, so scenarios run offline and with images the user built. An
// image the daemon does not have is left out with a note; the runner then skips the scenarios
// that need it unless a node already has it.
import { Docker } from '../../../docker/docker.js';
import { Kind } from '../../../kind/driver.js';
import type { KindStepContext } from './context.js';

export async function loadImagesStep(sc: KindStepContext): Promise<void> {
  const wanted = sc.req.profile.images ?? [];
  if (wanted.length === 0) return;
  const docker = new Docker(sc.ctx.runner, sc.ctx.signal);
  const present: string[] = [];
  const absent: string[] = [];
  for (const ref of wanted) ((await docker.imageInfo(ref)) ? present : absent).push(ref);
  if (absent.length) sc.ctx.log.info(`not in the local docker daemon, so not loaded into ${sc.req.name}: ${absent.join(', ')}`);
  if (present.length === 0) return;
  await new Kind(sc.ctx.runner, sc.ctx.signal).loadImages(sc.req.name, present, sc.logFile);
  sc.loadedImages = present;
}
