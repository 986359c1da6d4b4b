// The long-lived processes of a local cluster. They must outlive the kindlab command that
// starts them (`up` returns once the cluster is ready), so they are spawned here directly,
// detached in their own process group with stdio to log files, and unref'd — argv arrays, never
// a shell. They are stopped by pid, only after checking /proc/<pid>/cmdline still names the
// binary and the cluster folder they were started with (pids get reused).
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { sleep } from '../../util/abort.js';

export interface Started {
  component: string;
  pid: number;
  logFile: string;
  child: ChildProcess;
  /** Set when the process exits while this kindlab is still watching it. */
  exited?: { code: number | null; signal: NodeJS.Signals | null };
}

export function startDetached(component: string, file: string, args: readonly string[], o: { cwd: string; logFile: string; env?: NodeJS.ProcessEnv }): Promise<Started> {
  const fd = openSync(o.logFile, 'a', 0o600);
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(file, [...args], { cwd: o.cwd, env: o.env ?? process.env, detached: true, stdio: ['ignore', fd, fd] });
    } catch (e) {
      closeSync(fd);
      reject(e);
      return;
    }
    const onError = (e: Error): void => {
      closeSync(fd);
      reject(e);
    };
    child.once('error', onError);
    child.once('spawn', () => {
      child.off('error', onError);
      closeSync(fd);
      const s: Started = { component, pid: child.pid ?? -1, logFile: o.logFile, child };
      child.once('exit', (code, signal) => {
        s.exited = { code, signal };
      });
      child.unref();
      resolve(s);
    });
  });
}

/** argv of a live process, or undefined when it is gone (or a zombie). */
export function processArgv(pid: number): string[] | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z' || state === 'X') return undefined;
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    const argv = raw.split('\0');
    if (argv[argv.length - 1] === '') argv.pop();
    return argv.length ? argv : undefined;
  } catch {
    return undefined;
  }
}

/** The process is alive and is `component` of the cluster in `clusterDir`. */
export function isClusterProcess(pid: number, component: string, clusterDir: string): boolean {
  const argv = processArgv(pid);
  if (!argv?.[0]) return false;
  return basename(argv[0]) === component && argv.some((a) => a.includes(clusterDir));
}

export interface StopResult {
  stopped: number[];
  killed: number[];
  /** Recorded pids that now belong to something else, left alone. */
  foreign: number[];
}

/** SIGTERM, then SIGKILL after the grace period; only processes that are verifiably ours. */
export async function stopProcesses(procs: readonly { component: string; pid: number }[], clusterDir: string, graceMs = 10_000): Promise<StopResult> {
  const res: StopResult = { stopped: [], killed: [], foreign: [] };
  const ours = procs.filter((p) => {
    if (isClusterProcess(p.pid, p.component, clusterDir)) return true;
    if (processArgv(p.pid)) res.foreign.push(p.pid);
    return false;
  });
  for (const p of ours) signal(p.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  let alive = ours;
  while (alive.length && Date.now() < deadline) {
    await sleep(50);
    alive = alive.filter((p) => isClusterProcess(p.pid, p.component, clusterDir));
  }
  for (const p of alive) signal(p.pid, 'SIGKILL');
  const killDeadline = Date.now() + 5_000;
  while (alive.some((p) => isClusterProcess(p.pid, p.component, clusterDir)) && Date.now() < killDeadline) await sleep(50);
  res.killed = alive.map((p) => p.pid);
  res.stopped = ours.filter((p) => !res.killed.includes(p.pid)).map((p) => p.pid);
  return res;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
}

/** Order in which a cluster is taken down: clients first, etcd last. */
export const STOP_ORDER = ['kube-scheduler', 'kube-controller-manager', 'kube-apiserver', 'etcd'];

/** Stops components one tier at a time (controllers, API server, etcd), each with its grace period. */
export async function stopCluster(procs: readonly { component: string; pid: number }[], clusterDir: string, graceMs = 10_000): Promise<StopResult> {
  const total: StopResult = { stopped: [], killed: [], foreign: [] };
  const rank = (c: string): number => {
    const i = STOP_ORDER.indexOf(c);
    return i < 0 ? -1 : i;
  };
  const tiers = [...new Set(procs.map((p) => rank(p.component)))].sort((a, b) => a - b);
  for (const t of tiers) {
    const r = await stopProcesses(procs.filter((p) => rank(p.component) === t), clusterDir, graceMs);
    total.stopped.push(...r.stopped);
    total.killed.push(...r.killed);
    total.foreign.push(...r.foreign);
  }
  return total;
}
