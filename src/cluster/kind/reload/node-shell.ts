// Commands inside a kind node container (its kubectl and the admin kubeconfig kubeadm left on a
// control-plane node: they keep working while the host's view of the API is restarting).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProviderContext } from '../../provider.js';
import { Docker } from '../../../docker/docker.js';
import { EnvironmentError } from '../../../errors.js';
import { Kind } from '../../../kind/driver.js';
import { withComponentImages, type ComponentImage } from '../../../source/component-image.js';
import { sleep } from '../../../util/abort.js';

/** A kind cluster's node containers by role (sorted), the first control plane first. */
export async function clusterNodes(docker: Docker, cluster: string): Promise<{ controlPlanes: string[]; workers: string[]; first: string }> {
  const nodes = (await docker.kindNodes()).filter((n) => n.cluster === cluster);
  const controlPlanes = nodes.filter((n) => n.role === 'control-plane').map((n) => n.name).sort();
  const workers = nodes.filter((n) => n.role !== 'control-plane' && n.role !== 'external-load-balancer').map((n) => n.name).sort();
  const [first] = controlPlanes;
  if (!first) throw new EnvironmentError(`kind cluster ${cluster} has no control-plane node container running`, { hint: `kindlab ls; kindlab down ${cluster}` });
  return { controlPlanes, workers, first };
}

/**
 * Component images packed from binaries (in a scratch folder of their own) and loaded into the
 * given nodes with one `kind load`: each load pays a save and an import per node.
 */
export async function loadPackedImages(
  images: ReadonlyArray<Omit<ComponentImage, 'workDir'>>,
  to: { cluster: string; nodes: string[]; logFile?: string },
  ctx: Pick<ProviderContext, 'runner' | 'signal'>,
): Promise<void> {
  const workDir = mkdtempSync(join(tmpdir(), 'kindlab-images-'));
  try {
    await withComponentImages(images.map((i) => ({ ...i, workDir })), { docker: new Docker(ctx.runner, ctx.signal), runner: ctx.runner, signal: ctx.signal }, () =>
      new Kind(ctx.runner, ctx.signal).loadImages(to.cluster, images.map((i) => i.ref), to.logFile, to.nodes),
    );
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

export type NodeRun = (node: string, args: readonly string[], o?: { input?: string; allowFailure?: boolean }) => Promise<{ stdout: string; exitCode: number }>;

export function nodeRunner(ctx: Pick<ProviderContext, 'runner' | 'signal'>): NodeRun {
  return async (node, args, o = {}) => {
    const r = await ctx.runner.run('docker', ['exec', ...(o.input !== undefined ? ['-i'] : []), node, ...args], { signal: ctx.signal, input: o.input, allowFailure: o.allowFailure });
    return { stdout: r.stdout, exitCode: r.exitCode ?? 0 };
  };
}

/** `kubectl` on a control-plane node, as cluster admin. */
export function nodeKubectl(run: NodeRun, controlPlane: string): (args: readonly string[]) => Promise<{ stdout: string; exitCode: number }> {
  return (args) => run(controlPlane, ['kubectl', '--kubeconfig', '/etc/kubernetes/admin.conf', ...args], { allowFailure: true });
}

/** Polls `check` once a second until it answers true or `seconds` pass; returns the last answer's detail. */
export async function waitUntil(seconds: number, check: () => Promise<{ ok: boolean; detail: string }>, signal?: AbortSignal): Promise<{ ok: boolean; detail: string; seconds: number }> {
  const started = performance.now();
  let last = { ok: false, detail: 'not checked yet' };
  while ((performance.now() - started) / 1000 < seconds) {
    last = await check();
    if (last.ok) break;
    await sleep(1000, signal);
  }
  return { ...last, seconds: (performance.now() - started) / 1000 };
}
