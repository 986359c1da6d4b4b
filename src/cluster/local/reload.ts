// `kindlab reload` on a local cluster: each replaced component is a process of this machine,
// stopped and started again from the new binary with the arguments it runs with now (read from
// /proc, so the cluster's flags, ports and certificates are kept), then asked whether it serves:
// the API server's /readyz and /version, a controller's own /healthz. One that does not come back
// is stopped and its previous binary started again before the error is thrown.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnvironmentError } from '../../errors.js';
import type { ReloadComponent } from '../../reload/components.js';
import type { ClusterRecord } from '../../state/records.js';
import { localProcesses, localState, withLocalState, type LocalProcessRecord } from './state.js';
import { sleep } from '../../util/abort.js';
import type { ClusterSource, ProviderContext, ReloadContext, ReloadedComponent, ReloadPayload } from '../provider.js';
import { isClusterProcess, processArgv, startDetached, stopProcesses } from './processes.js';
import { get } from './ready.js';

const READY_SECONDS = 120;
const WHERE = 'this machine';

/** The components build the cluster runs (`up --ref`, `build --components`), as recorded when it was built. */
export function localClusterSource(rec: ClusterRecord, ctx: Pick<ProviderContext, 'store'>): ClusterSource | undefined {
  const binDir = localState(rec)?.binDir;
  const built = ctx.store.listImages().find((i) => i.kind === 'components' && i.binDir === binDir);
  if (!built) return undefined;
  const patchFile = ctx.store.imagePatchFile('components', built.commit);
  return { commit: built.commit.replace(/-dirty-[0-9a-f]{8}$/, ''), describe: built.describe, kubeRoot: built.kubeRoot, patchFile };
}

export function localReloadable(rec: ClusterRecord): ReloadComponent[] {
  const running = new Set(localProcesses(rec).map((p) => p.component));
  return (['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'] as const).filter((c) => running.has(c));
}

export async function reloadLocalCluster(rec: ClusterRecord, payload: ReloadPayload, ctx: ReloadContext): Promise<ReloadedComponent[]> {
  const clusterDir = ctx.store.clusterDir(rec.name);
  const done: ReloadedComponent[] = [];
  for (const component of payload.components) {
    const now = ctx.store.getCluster(rec.name);
    const current = now ? localProcesses(now).find((p) => p.component === component) : undefined;
    const argv = current && isClusterProcess(current.pid, component, clusterDir) ? processArgv(current.pid) : undefined;
    if (!current || !argv) throw new EnvironmentError(`${component} of local cluster ${rec.name} is not running`, { hint: `kindlab ls; kindlab down ${rec.name} && kindlab up --provider local` });
    const binary = join(payload.binDir, component);
    if (ctx.dryRun) {
      ctx.print?.(`# would stop ${component} (pid ${current.pid}) and start ${[binary, ...argv.slice(1)].join(' ')}`);
      continue;
    }
    ctx.onReplacing(component, WHERE);
    const seconds = await ctx.phases.run(`${component}: stop pid ${current.pid}, start the new binary, wait until it serves`, () =>
      restart(rec, current, argv, binary, payload.version, ctx),
    );
    const r = { component, where: WHERE, version: payload.version, seconds };
    done.push(r);
    ctx.onReplaced(r);
  }
  return done;
}

async function restart(rec: ClusterRecord, current: LocalProcessRecord, argv: string[], binary: string, version: string, ctx: ReloadContext): Promise<number> {
  const clusterDir = ctx.store.clusterDir(rec.name);
  const started = performance.now();
  const swap = async (file: string, note: string): Promise<number> => {
    await stopProcesses([current], clusterDir, 5_000);
    appendFileSync(current.logFile, `# kindlab reload: ${note}\n# ${[file, ...argv.slice(1)].join(' ')}\n`);
    const s = await startDetached(current.component, file, argv.slice(1), { cwd: clusterDir, logFile: current.logFile });
    // The record names the running process at once: `down` stops it even if this command is cut off.
    await ctx.store.lock(() => {
      const now = ctx.store.getCluster(rec.name);
      const own = now && localState(now);
      if (!now || !own) return;
      const processes = own.processes.map((p) => (p.component === current.component ? { ...p, pid: s.pid } : p));
      ctx.store.saveCluster(withLocalState(now, { ...own, processes }));
    });
    current = { ...current, pid: s.pid };
    return s.pid;
  };
  await swap(binary, `now ${version}`);
  const waited = await servesWithin(current.component, argv, version, ctx);
  if (waited.ok) return (performance.now() - started) / 1000;

  await swap(argv[0]!, 'the new build did not come up; the previous binary again');
  const back = await servesWithin(current.component, argv, undefined, ctx);
  throw new EnvironmentError(`${current.component} ${version} did not serve within ${READY_SECONDS} s (${waited.detail})`, {
    detail: back.ok ? `the previous ${current.component} (${argv[0]}) runs again and serves` : `the previous ${current.component} (${argv[0]}) was started again but does not serve yet (${back.detail})`,
    hint: `its log: ${current.logFile}`,
  });
}

/** The component's own health endpoint answers ok; for the API server, /version is `version` too. */
async function servesWithin(component: string, argv: string[], version: string | undefined, ctx: ReloadContext): Promise<{ ok: boolean; detail: string }> {
  const port = argv.find((a) => a.startsWith('--secure-port='))?.slice('--secure-port='.length);
  if (!port) return { ok: false, detail: `${component} runs without --secure-port: nothing to ask` };
  const base = `https://127.0.0.1:${port}`;
  const deadline = Date.now() + READY_SECONDS * 1000;
  let detail = 'not asked yet';
  while (Date.now() < deadline) {
    const health = await get(`${base}${component === 'kube-apiserver' ? '/readyz' : '/healthz'}`, 'insecure', ctx.signal);
    detail = `${base} says ${health.status || health.body.slice(0, 80)}`;
    if (health.status === 200 && health.body.trim() === 'ok') {
      if (!version || component !== 'kube-apiserver') return { ok: true, detail };
      const v = await get(`${base}/version`, 'insecure', ctx.signal);
      const served = v.status === 200 ? ((JSON.parse(v.body) as { gitVersion?: string }).gitVersion ?? '') : '';
      detail = `/version says ${served || v.status}`;
      if (served === version) return { ok: true, detail };
    }
    await sleep(200, ctx.signal);
  }
  return { ok: false, detail };
}
