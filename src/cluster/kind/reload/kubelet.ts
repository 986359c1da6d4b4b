// The kubelet of a kind node replaced in place: the new binary goes in beside the old one and is
// renamed over it (a running executable can be renamed over, not written into), the old one is
// kept for the way back, and systemd restarts the unit. Only the binary changes: the kubelet's
// flags and config (kubeadm's, and kindlab's patches such as failCgroupV1: false) stay as they are.
import { EnvironmentError } from '../../../errors.js';
import type { ProviderContext } from '../../provider.js';
import { waitUntil, type NodeRun } from './node-shell.js';

const KUBELET = '/usr/bin/kubelet';
const NEW = `${KUBELET}.kindlab-new`;
const PREVIOUS = `${KUBELET}.kindlab-previous`;
const READY_SECONDS = 120;

export interface KubeletSwap {
  node: string;
  binary: string;
  version: string;
  run: NodeRun;
  kubectl: (args: readonly string[]) => Promise<{ stdout: string; exitCode: number }>;
}

export async function replaceKubelet(s: KubeletSwap, ctx: Pick<ProviderContext, 'runner' | 'signal' | 'dryRun'>): Promise<number> {
  await ctx.runner.run('docker', ['cp', s.binary, `${s.node}:${NEW}`], { signal: ctx.signal });
  await s.run(s.node, ['cp', '-p', KUBELET, PREVIOUS]);
  await s.run(s.node, ['mv', '-f', NEW, KUBELET]);
  await s.run(s.node, ['systemctl', 'restart', 'kubelet']);
  if (ctx.dryRun) return 0; // the commands were printed; there is nothing to wait for
  const waited = await waitUntil(READY_SECONDS, () => kubeletServes(s, s.version), ctx.signal);
  if (waited.ok) return waited.seconds;

  // The new kubelet did not come back: the previous binary goes back and must be Ready again.
  await s.run(s.node, ['mv', '-f', PREVIOUS, KUBELET]);
  await s.run(s.node, ['systemctl', 'restart', 'kubelet']);
  const back = await waitUntil(READY_SECONDS, async () => {
    const r = await nodeStatus(s);
    return { ok: r.ready && r.version !== s.version, detail: `kubelet ${r.version}, Ready=${r.ready}` };
  }, ctx.signal);
  throw new EnvironmentError(`the kubelet ${s.version} on ${s.node} did not become Ready with its new version within ${READY_SECONDS} s (${waited.detail})`, {
    detail: back.ok ? `the previous kubelet is back on ${s.node} and the node is Ready (${back.detail})` : `the previous kubelet binary is back on ${s.node}, but the node is not Ready yet (${back.detail})`,
    hint: `its log: docker exec ${s.node} journalctl -u kubelet --no-pager | tail -50`,
  });
}

async function nodeStatus(s: KubeletSwap): Promise<{ version: string; ready: boolean }> {
  const r = await s.kubectl(['get', 'node', s.node, '-o', 'jsonpath={.status.nodeInfo.kubeletVersion} {.status.conditions[?(@.type=="Ready")].status}']);
  const [version = '', ready = ''] = r.stdout.trim().split(' ');
  return { version, ready: r.exitCode === 0 && ready === 'True' };
}

async function kubeletServes(s: KubeletSwap, version: string): Promise<{ ok: boolean; detail: string }> {
  const active = await s.run(s.node, ['systemctl', 'is-active', 'kubelet'], { allowFailure: true });
  const st = await nodeStatus(s);
  return { ok: active.stdout.trim() === 'active' && st.ready && st.version === version, detail: `unit ${active.stdout.trim()}, node reports kubelet ${st.version || '?'}, Ready=${st.ready}` };
}
