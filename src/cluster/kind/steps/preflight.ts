// Step: kind present and recent enough, docker daemon reachable, and no kind cluster of that
// name already (kindlab never adopts or replaces a cluster it did not create).
import { ConflictError } from '../../../errors.js';
import { Docker } from '../../../docker/docker.js';
import { Kind } from '../../../kind/driver.js';
import type { KindStepContext } from './context.js';

export async function preflightStep(sc: KindStepContext): Promise<void> {
  const kind = new Kind(sc.ctx.runner, sc.ctx.signal);
  sc.kindVersion = await kind.requireVersion();
  const docker = new Docker(sc.ctx.runner, sc.ctx.signal);
  await docker.requireDaemon();
  const cgroup = await docker.cgroupVersion();
  if (cgroup === '1' || cgroup === '2') sc.hostCgroup = cgroup;
  const existing = await kind.clusters();
  if (existing.includes(sc.req.name)) {
    throw new ConflictError(`a kind cluster named "${sc.req.name}" already exists and kindlab did not create it`, {
      hint: `choose another --name; kindlab will not touch that cluster (delete it yourself with: kind delete cluster --name ${sc.req.name})`,
    });
  }
}
