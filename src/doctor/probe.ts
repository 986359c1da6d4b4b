// Gathers the facts doctor evaluates, each probe failing soft (a missing tool is a fact).
import { readFileSync, statfsSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ProcessRunner } from '../exec/runner.js';
import { parseKindVersion } from '../kind/version.js';
import type { Facts } from './evaluate.js';

async function tryRun(runner: ProcessRunner, file: string, args: string[]): Promise<{ ok: boolean; out: string; installed: boolean }> {
  try {
    const r = await runner.run(file, args, { allowFailure: true, timeoutMs: 20_000 });
    return { ok: r.exitCode === 0, out: (r.stdout + r.stderr).trim(), installed: true };
  } catch {
    return { ok: false, out: '', installed: false };
  }
}

function readNumber(path: string): number | undefined {
  try {
    const n = Number(readFileSync(path, 'utf8').trim());
    return Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

export async function probe(runner: ProcessRunner, stateRoot: string, labBinDir: string | undefined, kindBinary: string): Promise<Facts> {
  const [dockerInfo, podman, kind, kubectl, git] = await Promise.all([
    tryRun(runner, 'docker', ['info', '--format', '{{.ServerVersion}}']),
    tryRun(runner, 'podman', ['--version']),
    tryRun(runner, kindBinary, ['version']),
    tryRun(runner, 'kubectl', ['version', '--client']),
    tryRun(runner, 'git', ['--version']),
  ]);
  let disk: number | undefined;
  let probePath = stateRoot;
  while (!existsSync(probePath) && dirname(probePath) !== probePath) probePath = dirname(probePath);
  try {
    const s = statfsSync(probePath);
    disk = s.bavail * s.bsize;
  } catch {
    disk = undefined;
  }
  const cgroup = existsSync('/sys/fs/cgroup/cgroup.controllers') ? 'v2' : existsSync('/sys/fs/cgroup/memory') || existsSync('/sys/fs/cgroup/cpu') ? 'v1' : 'unknown';
  const dockerVersion = dockerInfo.ok && dockerInfo.out && !dockerInfo.out.includes('<no value>') ? dockerInfo.out.split('\n')[0] : undefined;
  return {
    docker: { installed: dockerInfo.installed, daemonVersion: dockerVersion, error: dockerInfo.ok ? undefined : dockerInfo.out.split('\n').slice(-1)[0] },
    podman: { installed: podman.installed && podman.ok, version: podman.out.replace(/^podman version /, '') },
    kind: { installed: kind.installed && kind.ok, version: parseKindVersion(kind.out) },
    kubectl: { installed: kubectl.installed && kubectl.ok, version: /Client Version:\s*(\S+)/.exec(kubectl.out)?.[1] },
    git: { installed: git.installed && git.ok, version: git.out.replace(/^git version /, '') },
    freeDiskBytes: disk,
    stateRoot,
    cgroup,
    inotify: {
      maxUserWatches: readNumber('/proc/sys/fs/inotify/max_user_watches'),
      maxUserInstances: readNumber('/proc/sys/fs/inotify/max_user_instances'),
    },
    labBinDir,
  };
}
