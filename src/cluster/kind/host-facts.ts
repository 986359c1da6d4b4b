// What kind nodes would run on: docker's host (kernel, cgroup version) and the node image's own
// containerd. Read-only probes; a fact that cannot be read stays unknown for the planner.
import type { ProcessRunner } from '../../exec/runner.js';
import { hostFactsFromDockerInfo, parseContainerdVersion, type HostFacts } from '../../plan/host.js';
import { Docker } from '../../docker/docker.js';

export async function kindHostFacts(ctx: { runner: ProcessRunner; signal?: AbortSignal }, image: string | undefined): Promise<HostFacts | undefined> {
  const docker = new Docker(ctx.runner, ctx.signal);
  const info = await docker.info().catch(() => undefined);
  if (info === undefined) return undefined;
  const containerd = image ? await docker.runEntrypoint(image, 'containerd', ['--version']).catch(() => undefined) : undefined;
  return hostFactsFromDockerInfo(info, containerd === undefined ? undefined : parseContainerdVersion(containerd));
}
