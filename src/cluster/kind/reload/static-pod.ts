// A control-plane component of a kind node replaced the way kubeadm upgrades it: its image
// (imported into the node's containerd beforehand) and a manifest that names it. The kubelet
// restarts a static pod only when its manifest changes; the new manifest is written beside the
// manifests folder and renamed into it, so the kubelet never reads half a file, and the previous
// one is kept for the way back.
import { EnvironmentError } from '../../../errors.js';
import { manifestImage, readinessUrl, withImage } from '../../../reload/static-pod.js';
import type { ReloadComponent } from '../../../reload/components.js';
import type { ProviderContext } from '../../provider.js';
import { waitUntil, type NodeRun } from './node-shell.js';

const MANIFESTS = '/etc/kubernetes/manifests';
const STAGING = '/etc/kubernetes/kindlab-reload';
const READY_SECONDS = 180;
const OLD_CONTAINER_GRACE_SECONDS = 2;

export interface StaticPodSwap {
  node: string;
  component: Exclude<ReloadComponent, 'kubelet'>;
  image: string;
  version: string;
  run: NodeRun;
}

export const manifestPath = (c: string): string => `${MANIFESTS}/${c}.yaml`;

export async function currentImage(run: NodeRun, node: string, component: string): Promise<string> {
  return manifestImage((await run(node, ['cat', manifestPath(component)])).stdout);
}

export async function replaceStaticPod(s: StaticPodSwap, ctx: Pick<ProviderContext, 'signal' | 'dryRun'>): Promise<number> {
  const before = (await s.run(s.node, ['cat', manifestPath(s.component)])).stdout;
  const health = readinessUrl(before);
  // The container that runs now, and the version it says: the new one must be another container
  // serving the new version; the way back waits for the old version.
  const old = ctx.dryRun ? undefined : await runningContainer(s);
  const previous = `${STAGING}/${s.component}.yaml.previous`;
  await s.run(s.node, ['mkdir', '-p', STAGING]);
  await s.run(s.node, ['cp', '-p', manifestPath(s.component), previous]);
  await s.run(s.node, ['tee', `${STAGING}/${s.component}.yaml`], { input: withImage(before, s.image) });
  await s.run(s.node, ['mv', '-f', `${STAGING}/${s.component}.yaml`, manifestPath(s.component)]);
  if (ctx.dryRun) return 0; // the commands were printed; there is nothing to wait for
  // The kubelet gives the old pod its 30 s grace, and an API server uses all of it; a reload does
  // not need the old build to drain, so its container is stopped at once (the kubelet's own stop
  // then finds it done). Without this an API server reload takes ≈ 50 s instead of ≈ 15 s.
  if (old) await s.run(s.node, ['crictl', 'stop', '--timeout', String(OLD_CONTAINER_GRACE_SECONDS), old.id], { allowFailure: true });
  const waited = await waitUntil(READY_SECONDS, () => serves(s, health, { notContainer: old?.id, version: s.version }), ctx.signal);
  if (waited.ok) return waited.seconds;

  await s.run(s.node, ['cp', '-p', previous, manifestPath(s.component)]);
  const oldImage = manifestImage(before);
  const back = await waitUntil(READY_SECONDS, () => serves(s, health, { version: old?.version }), ctx.signal);
  throw new EnvironmentError(`${s.component} ${s.version} on ${s.node} did not become ready within ${READY_SECONDS} s (${waited.detail})`, {
    detail: back.ok ? `its previous manifest (${oldImage}) is back and ${s.component} is ready again (${back.detail})` : `its previous manifest (${oldImage}) is back, but ${s.component} is not ready yet (${back.detail})`,
    hint: `its log: docker exec ${s.node} sh -c 'crictl logs $(crictl ps -a --name ${s.component} -q | head -1)'`,
  });
}

/**
 * The component's running container on the node, and the version its binary says. Read from the
 * node's container runtime, not the mirror pod: the kubelet updates the mirror pod's status tens
 * of seconds after the new container serves.
 */
async function runningContainer(s: StaticPodSwap): Promise<{ id: string; version: string } | undefined> {
  const r = await s.run(s.node, ['crictl', 'ps', '--name', `^${s.component}$`, '--label', `io.kubernetes.pod.namespace=kube-system`, '--state', 'running', '-q'], { allowFailure: true });
  const id = r.stdout.split('\n').map((l) => l.trim()).find(Boolean);
  if (!id) return undefined;
  const v = await s.run(s.node, ['crictl', 'exec', id, s.component, '--version'], { allowFailure: true });
  return { id, version: /Kubernetes (\S+)/.exec(v.stdout)?.[1] ?? '' };
}

/** A running container other than `notContainer`, whose binary says `version`, and whose own readiness endpoint answers ok. */
async function serves(s: StaticPodSwap, health: string, want: { notContainer?: string; version?: string }): Promise<{ ok: boolean; detail: string }> {
  const c = await runningContainer(s);
  if (!c) return { ok: false, detail: `no running ${s.component} container` };
  if (c.id === want.notContainer) return { ok: false, detail: `the previous ${s.component} container still runs` };
  if (want.version && c.version !== want.version) return { ok: false, detail: `${s.component} container ${c.id.slice(0, 12)} runs ${c.version || '?'}` };
  const h = await s.run(s.node, ['curl', '-ksS', '--max-time', '5', health], { allowFailure: true });
  const ready = h.exitCode === 0 && h.stdout.trim() === 'ok';
  return { ok: ready, detail: `${s.component} ${c.version} in container ${c.id.slice(0, 12)}, ${health} says ${h.stdout.trim().slice(0, 80) || `nothing (exit ${h.exitCode})`}` };
}
