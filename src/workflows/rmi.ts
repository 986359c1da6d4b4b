// `kindlab rmi`: removes node images, component builds and test binaries kindlab made, and only those (an image
// without kindlab's label is refused).
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AppEnv } from '../app/env.js';
import { Docker } from '../docker/docker.js';
import { LABEL_MANAGED } from '../docker/labels.js';
import { ConflictError, UsageError } from '../errors.js';

/** Removes each image (or every one kindlab built), returning the tags removed, in order. */
export async function rmiWorkflow(app: AppEnv, images: string[] | 'all', onRemoved: (tag: string) => void = () => {}): Promise<string[]> {
  const docker = new Docker(app.runner, app.signal);
  const records = app.store.listImages();
  const targets = images === 'all' ? records.map((r) => r.tag) : images;
  const removed: string[] = [];
  const done = (tag: string): void => {
    removed.push(tag);
    onRemoved(tag);
  };
  for (const tag of targets) {
    const rec = records.find((r) => r.tag === tag);
    if (rec?.binDir && rec.kind !== 'node-image') {
      rmSync(dirname(rec.binDir), { recursive: true, force: true });
      app.store.removeImage(rec.kind, rec.commit);
      done(tag);
      continue;
    }
    const info = await docker.imageInfo(tag);
    if (info && info.labels[LABEL_MANAGED] !== 'true') {
      throw new ConflictError(`image ${tag} was not built by kindlab (no ${LABEL_MANAGED} label); refusing to remove it`);
    }
    if (!info && !rec) throw new UsageError(`no kindlab image ${tag}`, { hint: 'kindlab ls lists the images kindlab built' });
    if (info) await docker.removeImage(tag);
    if (rec) app.store.removeImage(rec.kind, rec.commit);
    done(tag);
  }
  return removed;
}
