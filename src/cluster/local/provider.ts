// The local provider: etcd, kube-apiserver and kube-controller-manager (and kube-scheduler on
// request) as processes on loopback, from a folder of binaries (`npm run lab` or `kindlab build
// --components`). No nodes, so no pods run; it is the fast path for API-level scenarios.
import { localDescriptor } from './descriptor.js';
import { defaultLabBinDir } from './bin-dir.js';

export { defaultLabBinDir };
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { EnvironmentError, KindlabError, ProcessError, UsageError } from '../../errors.js';
import { describe } from '../../exec/runner.js';
import { binariesIntact, readManifest, type LabManifest } from '../../lab/cache.js';
import { parseVersionOutput } from '../../lab/versions.js';
import type { ClusterRecord } from '../../state/records.js';
import { localProcesses, localState, withLocalState, type LocalProcessRecord } from './state.js';
import { sleep } from '../../util/abort.js';
import { readTail } from '../../util/tail.js';
import { requestedBinDir, type ClusterProvider, type ClusterSource, type ComponentReloader, type CreateRequest, type LiveCluster, type LogCollector, type ProviderContext, type ReloadContext, type ReloadedComponent, type ReloadPayload } from '../provider.js';
import type { ReloadComponent } from '../../reload/components.js';
import { localClusterSource, localReloadable, reloadLocalCluster } from './reload.js';
import { apiServerUrl, etcdUrl, localLayout, renderComponentCommands, renderKubeconfig, type LocalComponent, type LocalLayout, type LocalPorts } from './args.js';
import { createPki } from './pki.js';
import { isClusterProcess, startDetached, stopCluster, type Started } from './processes.js';
import { readiness, type AdminTls, type ReadyStage } from './ready.js';
import { cpSync } from 'node:fs';

const HOW_TO_GET = 'build them with `npm run lab` (from the kindlab checkout; prints the folder), or `kindlab build --components <ref>`, and pass --bin-dir';
const DEFAULT_WAIT_SECONDS = 90;
const LOG_TAIL = 25;

/** Free loopback TCP ports, all held open at once so they differ. */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => resolve(s));
    })),
  );
  const ports = servers.map((s) => {
    const a = s.address();
    return typeof a === 'object' && a ? a.port : 0;
  });
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** Checks the binaries exist and that the Kubernetes ones are the same minor; returns the API server's version. */
export async function checkBinaries(binDir: string, components: readonly LocalComponent[], ctx: Pick<ProviderContext, 'runner' | 'signal'>): Promise<string> {
  if (!existsSync(binDir)) throw new EnvironmentError(`the binaries folder ${binDir} does not exist`, { hint: HOW_TO_GET });
  const missing = components.filter((c) => !existsSync(join(binDir, c)));
  if (missing.length) {
    throw new EnvironmentError(`${missing.join(', ')} not found in ${binDir}`, { hint: HOW_TO_GET });
  }
  const kube = components.filter((c) => c !== 'etcd');
  // A lab build's manifest already knows the versions (checked when built); sizes must still match.
  const manifest = readManifest<LabManifest>(join(binDir, '..'));
  const known = manifest?.schema === 1 && resolve(manifest.binDir) === resolve(binDir) ? manifest.kubernetes.binaries : [];
  const versions = await Promise.all(
    kube.map(async (c) => {
      const k = known.find((b) => b.name === c);
      if (k && binariesIntact(binDir, [k])) return { c, v: k.version };
      const r = await ctx.runner.run(join(binDir, c), ['--version'], { signal: ctx.signal, allowFailure: true, timeoutMs: 30_000 });
      const v = parseVersionOutput(`${r.stdout}\n${r.stderr}`);
      if (!v) throw new EnvironmentError(`${join(binDir, c)} --version printed no Kubernetes version`, { detail: `${r.stdout}${r.stderr}`.trim(), hint: HOW_TO_GET });
      return { c, v };
    }),
  );
  const minor = (v: string): string => /^v(\d+\.\d+)/.exec(v)?.[1] ?? v;
  const api = versions.find((x) => x.c === 'kube-apiserver') ?? versions[0];
  const skewed = versions.filter((x) => minor(x.v) !== minor(api?.v ?? ''));
  if (api && skewed.length) {
    throw new EnvironmentError(
      `version skew in ${binDir}: ${versions.map((x) => `${x.c} ${x.v}`).join(', ')}; the local provider needs one Kubernetes minor`,
      { hint: 'rebuild the set together (npm run lab -- --k8s-version vX.Y.Z), or point --bin-dir at one build' },
    );
  }
  return api?.v ?? 'unknown';
}

/** Moves (or copies) a failed start's logs out of the cluster folder, which is removed; where they went. */
function keepLogs(logDir: string, to: string, logsRoot: string): string | undefined {
  if (!existsSync(logDir)) return undefined;
  try {
    mkdirSync(logsRoot, { recursive: true });
    renameSync(logDir, to);
    return to;
  } catch {
    try {
      cpSync(logDir, to, { recursive: true });
      return to;
    } catch {
      return undefined;
    }
  }
}

/** The cluster folder's files: the profile's files, the PKI, the components' kubeconfigs (all 0600). */
async function writeClusterFiles(req: CreateRequest, layout: LocalLayout, ports: LocalPorts, ctx: ProviderContext): Promise<AdminTls> {
  for (const dir of [layout.pkiDir, layout.etcdDataDir, layout.filesDir, layout.logDir]) mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const f of req.profile.files) {
    if (!/^[^/\\]+$/.test(f.name) || f.name === '.' || f.name === '..') throw new UsageError(`profile file name ${JSON.stringify(f.name)} must be a plain file name`);
    writeFileSync(join(layout.filesDir, f.name), f.content, { mode: 0o600 });
  }
  const pki = await createPki(layout.pkiDir, ctx.runner, ctx.signal);
  const server = apiServerUrl(ports);
  writeFileSync(layout.adminKubeconfig, renderKubeconfig({ name: req.name, server, caPem: pki.caPem, certPem: pki.adminCertPem, keyPem: pki.adminKeyPem, user: 'kindlab-admin' }), { mode: 0o600 });
  writeFileSync(layout.controllerManagerKubeconfig, renderKubeconfig({ name: req.name, server, caPem: pki.caPem, ...pki.controllerManager, user: 'system:kube-controller-manager' }), { mode: 0o600 });
  writeFileSync(layout.schedulerKubeconfig, renderKubeconfig({ name: req.name, server, caPem: pki.caPem, ...pki.scheduler, user: 'system:kube-scheduler' }), { mode: 0o600 });
  return { ca: pki.caPem, cert: pki.adminCertPem, key: pki.adminKeyPem };
}

export class LocalProvider implements ClusterProvider, LogCollector, ComponentReloader {
  readonly name = localDescriptor.name;

  async create(req: CreateRequest, ctx: ProviderContext): Promise<ClusterRecord> {
    const binDir = requestedBinDir(req) ?? defaultLabBinDir();
    if (!binDir) throw new UsageError('--provider local needs Kubernetes binaries and none were found', { hint: HOW_TO_GET });
    const components: LocalComponent[] = ['etcd', 'kube-apiserver', 'kube-controller-manager', ...(req.withScheduler ? (['kube-scheduler'] as const) : [])];
    const clusterDir = ctx.store.clusterDir(req.name);
    const layout = localLayout(clusterDir, binDir);
    const [etcdClient = 0, etcdPeer = 0, apiServer = 0, controllerManager = 0, scheduler = 0] = await freePorts(5);
    const ports: LocalPorts = { etcdClient, etcdPeer, apiServer, controllerManager, scheduler };
    const commands = renderComponentCommands({ name: req.name, profile: req.profile, ports, layout, withScheduler: req.withScheduler });

    if (ctx.dryRun) {
      const print = ctx.print ?? ((t: string) => ctx.log.info(t));
      print(`# local cluster ${req.name}: processes kindlab would start (ports are examples)`);
      for (const f of req.profile.files) print(`# file ${join(layout.filesDir, f.name)} (${f.content.length} bytes)`);
      for (const c of commands) print(describe([c.file, ...c.args]));
      return this.record(req, layout, ports, [], 'creating');
    }

    const t0 = performance.now();
    const elapsed = (): string => `${((performance.now() - t0) / 1000).toFixed(1)}s`;
    const version = await checkBinaries(binDir, components, ctx);
    ctx.log.debug(`local cluster ${req.name}: binaries ${version} checked (${elapsed()})`);
    const rec = this.record(req, layout, ports, [], 'creating', req.kubernetesVersion ?? version);
    const own = localState(rec)!;
    await ctx.store.reserveCluster(rec);
    const started: Started[] = [];
    const save = (state: ClusterRecord['state'] = 'creating'): ClusterRecord => {
      const processes = started.map((s): LocalProcessRecord => ({ component: s.component, pid: s.pid, logFile: s.logFile }));
      const r = withLocalState({ ...rec, state, ownerPid: state === 'ready' ? undefined : process.pid }, { ...own, processes });
      ctx.store.saveCluster(r);
      return r;
    };
    try {
      const tls = await writeClusterFiles(req, layout, ports, ctx);
      const server = apiServerUrl(ports);
      ctx.log.debug(`local cluster ${req.name}: certificates and kubeconfigs written (${elapsed()})`);

      // etcd and the API server together (it retries etcd); the controllers once /readyz is ok,
      // because they read RBAC-protected objects that the API server's bootstrap creates.
      const start = async (c: (typeof commands)[number]): Promise<void> => {
        if (ctx.signal?.aborted) throw ctx.signal.reason;
        const logFile = join(layout.logDir, `${c.component}.log`);
        writeFileSync(logFile, `# ${describe([c.file, ...c.args])}\n`, { mode: 0o600 });
        started.push(await startDetached(c.component, c.file, c.args, { cwd: clusterDir, logFile }));
        save();
      };
      const first = commands.filter((c) => c.component === 'etcd' || c.component === 'kube-apiserver');
      for (const c of first) await start(c);
      const deadline = Date.now() + (req.waitSeconds ?? DEFAULT_WAIT_SECONDS) * 1000;
      await this.waitReady(req, ports, tls, started, ctx, 'default-namespace', deadline);
      ctx.log.debug(`local cluster ${req.name}: API server ready (${elapsed()})`);
      for (const c of commands.filter((x) => !first.includes(x))) await start(c);
      ctx.log.debug(`local cluster ${req.name}: ${started.map((s) => `${s.component} pid ${s.pid}`).join(', ')}; API server ${server}`);
      await this.waitReady(req, ports, tls, started, ctx, 'ready', deadline);
      ctx.log.debug(`local cluster ${req.name}: default ServiceAccount exists (${elapsed()})`);
      return save('ready');
    } catch (e) {
      throw await this.failedStart(e, req, started, layout, ctx);
    }
  }

  /**
   * A start that failed or was stopped: its processes stopped and its folder removed, the logs of a
   * failed start kept outside it (the error points there); Ctrl-C's own reason is what is thrown.
   */
  private async failedStart(e: unknown, req: CreateRequest, started: Started[], layout: LocalLayout, ctx: ProviderContext): Promise<unknown> {
    const clusterDir = ctx.store.clusterDir(req.name);
    const aborted = ctx.signal?.aborted === true;
    await stopCluster(started, clusterDir, aborted ? 2_000 : 5_000);
    for (const s of started) s.child.removeAllListeners();
    const kept = aborted ? undefined : keepLogs(layout.logDir, join(ctx.store.paths.logs, `local-${req.name}-${Date.now()}`), ctx.store.paths.logs);
    ctx.store.removeCluster(req.name);
    if (aborted) return ctx.signal?.reason instanceof Error ? ctx.signal.reason : e;
    if (e instanceof ProcessError && kept && e.logFile) {
      const moved = join(kept, e.logFile.slice(layout.logDir.length + 1));
      return new ProcessError(e.message, e.argv, e.processExitCode, e.outputTail, { logFile: moved, hint: e.hint ?? `full logs: ${kept}`, cause: e.cause });
    }
    return e;
  }

  private record(req: CreateRequest, layout: LocalLayout, ports: LocalPorts, processes: LocalProcessRecord[], state: ClusterRecord['state'], version?: string): ClusterRecord {
    return withLocalState({
      name: req.name,
      provider: this.name,
      state,
      createdAt: new Date().toISOString(),
      ownerPid: process.pid,
      kubernetesVersion: version ?? req.kubernetesVersion,
      commit: req.commit,
      kubeconfig: layout.adminKubeconfig,
      profile: req.profile,
      binDir: layout.binDir,
    }, { binDir: layout.binDir, dataDir: join(layout.clusterDir, 'data'), apiServerUrl: apiServerUrl(ports), processes });
  }

  private async waitReady(req: CreateRequest, ports: LocalPorts, tls: AdminTls, started: Started[], ctx: ProviderContext, until: ReadyStage, deadline: number): Promise<void> {
    let stage: ReadyStage = 'etcd';
    let last = '';
    for (;;) {
      const dead = started.find((s) => s.exited);
      if (dead) throw exitedEarly(dead);
      const r = await readiness(etcdUrl(ports), apiServerUrl(ports), tls, ctx.signal);
      if (ctx.signal?.aborted) throw ctx.signal.reason;
      stage = r.stage;
      last = `${r.last.status} ${r.last.body.slice(0, 2000)}`;
      if (stage === 'ready' || (until === 'default-namespace' && stage !== 'etcd' && stage !== 'readyz')) return;
      if (Date.now() > deadline) {
        const blame = stage === 'etcd' ? 'etcd' : stage === 'default-serviceaccount' ? 'kube-controller-manager' : 'kube-apiserver';
        const s = started.find((x) => x.component === blame);
        throw new ProcessError(
          `local cluster ${req.name} was not ready after ${req.waitSeconds ?? DEFAULT_WAIT_SECONDS}s: waiting for ${stage} (last answer: ${last.trim().split('\n').slice(0, 3).join(' ')})`,
          [],
          undefined,
          s ? readTail(s.logFile, LOG_TAIL) : '',
          { logFile: s?.logFile, hint: 'raise --wait, or read the component logs' },
        );
      }
      await sleep(stage === 'etcd' || stage === 'readyz' ? 100 : 150, ctx.signal);
    }
  }

  async delete(rec: ClusterRecord, ctx: ProviderContext): Promise<void> {
    const clusterDir = ctx.store.clusterDir(rec.name);
    const procs = localProcesses(rec);
    if (ctx.dryRun) {
      const print = ctx.print ?? ((t: string) => ctx.log.info(t));
      for (const p of [...procs].reverse()) print(`# would stop ${p.component} (pid ${p.pid}) and remove ${clusterDir}`);
      return;
    }
    // Controllers first, etcd last.
    const res = await stopCluster(procs, clusterDir);
    for (const pid of res.foreign) ctx.log.warn(`pid ${pid} recorded for ${rec.name} now belongs to another program; left alone`);
    if (res.killed.length) ctx.log.warn(`${rec.name}: pids ${res.killed.join(', ')} ignored SIGTERM and were killed`);
    ctx.store.removeCluster(rec.name);
  }

  async listLive(ctx: ProviderContext): Promise<LiveCluster[]> {
    return ctx.store
      .listClusters()
      .filter((r) => r.provider === this.name && localProcesses(r).some((p) => isClusterProcess(p.pid, p.component, ctx.store.clusterDir(r.name))))
      .map((r) => ({ name: r.name, ownedByKindlab: true }));
  }

  /** It needs only binaries, which are the target's business (a ref, --bin-dir, the lab). */
  async available(): Promise<true> {
    return true;
  }

  async clusterSource(rec: ClusterRecord, ctx: ProviderContext): Promise<ClusterSource | undefined> {
    return localClusterSource(rec, ctx);
  }

  reloadable(rec: ClusterRecord): readonly ReloadComponent[] {
    return localReloadable(rec);
  }

  /** Restarts the changed processes from the new binaries (src/cluster/local/reload.ts). */
  reloadComponents(rec: ClusterRecord, payload: ReloadPayload, ctx: ReloadContext): Promise<ReloadedComponent[]> {
    return reloadLocalCluster(rec, payload, ctx);
  }

  async exportLogs(rec: ClusterRecord, dir: string): Promise<void> {
    mkdirSync(dir, { recursive: true });
    for (const p of localProcesses(rec)) {
      if (existsSync(p.logFile)) cpSync(p.logFile, join(dir, `${p.component}.log`));
    }
  }
}

/** The most telling line of a component's log: the last error-looking line, else the last line. */
export function keyLogLine(tail: string): string {
  const lines = tail.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('# '));
  const err = [...lines].reverse().find((l) => /^(Error|error|E\d{4} )|\b(invalid|unknown flag|must|failed to|cannot)\b/i.test(l));
  return (err ?? lines[lines.length - 1] ?? '').trim();
}

function exitedEarly(s: Started): KindlabError {
  const tail = readTail(s.logFile, LOG_TAIL);
  const how = s.exited?.signal ? `was killed by ${s.exited.signal}` : `exited with code ${s.exited?.code}`;
  const line = keyLogLine(tail);
  return new ProcessError(`${s.component} ${how} during start-up${line ? `: ${line}` : ''}`, [], s.exited?.code ?? undefined, tail, {
    logFile: s.logFile,
    hint: s.component === 'kube-apiserver' ? 'a flag, runtime-config entry or feature gate from the profile was probably rejected; see the log above' : undefined,
  });
}
