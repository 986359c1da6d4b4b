// Commands inside a kind node container (its kubectl and the admin kubeconfig kubeadm left on a
// control-plane node: they keep working while the host's view of the API is restarting).
import type { ProviderContext } from '../../provider.js';
import { sleep } from '../../../util/abort.js';

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
