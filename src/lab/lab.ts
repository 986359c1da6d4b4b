// `npm run lab`: the binaries of a pinned Kubernetes release and of the etcd kubeadm pairs with
// it, built from the Go module proxy into the lab cache: by default from the release's source tree
// (assembled from the proxy, src/lab/checkout.ts), so that every later build of the release shares
// its compiled packages; with `from: 'module'` from the proxy's copy of k8s.io/kubernetes.
// Idempotent: a finished set (manifest + intact binaries) is reused unless forced.
import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, copyFileSync, chmodSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EnvironmentError, UsageError } from '../errors.js';
import type { ProcessRunner } from '../exec/runner.js';
import { withLock } from '../state/lock.js';
import { bothOrNeither } from '../util/both-or-neither.js';
import { availableModules, buildEtcd, buildKubernetesBinaries, buildKubernetesFromTree, DEFAULT_COMPONENTS, downloadModule, listModuleVersions, localGoVersion, moduleOrigin, readGoMod, type GoContext } from './build.js';
import { needsTree, treeToolchain } from '../source/go-build.js';
import { releaseCheckout } from './checkout.js';
import { binariesIntact, etcdDir, kubeDir, labCacheRoot, readManifest, writeManifest, type BuildManifest, type LabManifest } from './cache.js';
import { ETCD_SERVER_MODULE, KUBERNETES_MODULE, parseSemVer } from './gomod.js';
import { buildDate, chooseEtcdVersion, chooseToolchain, kubeadmEtcdVersion, upstreamGoVersion } from './versions.js';

/** The default pin: the newest Kubernetes release on the module proxy when this was written. */
export const DEFAULT_K8S_VERSION = 'v1.37.2';

export interface LabOptions {
  k8sVersion?: string;
  /** etcd version (default: kubeadm's for the release). */
  etcdVersion?: string;
  cache?: string;
  force?: boolean;
  components?: readonly string[];
  /** A module build's toolchain: auto (default), local, or a Go version such as 1.21.8. */
  go?: string;
  /**
   * tree (default): build from the release's source tree with its own Go and the flags of every
   * tree build, so that the node image, components and test binaries of the release reuse the
   * compiled packages; module: from the module proxy's copy of k8s.io/kubernetes (shares nothing).
   */
  from?: LabSource;
  /** The tree to build from (at the release's tag); default: the lab's assembled checkout of the release. */
  kubeRoot?: string;
}

export const LAB_SOURCES = ['tree', 'module'] as const;
export type LabSource = (typeof LAB_SOURCES)[number];

export interface LabResult {
  binDir: string;
  cacheHit: { kubernetes: boolean; etcd: boolean };
  manifest: LabManifest;
  /** Wall time of this run. */
  seconds: number;
  notes: string[];
}

export interface LabDeps {
  runner: ProcessRunner;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  note?: (msg: string) => void;
}

export function normalizeK8sVersion(v: string): string {
  const s = parseSemVer(v);
  if (!s || s.major !== 1) throw new UsageError(`--k8s-version ${v} is not a Kubernetes release (vX.Y.Z)`);
  return v.startsWith('v') ? v : `v${v}`;
}

export function normalizeEtcdVersion(v: string): string {
  const s = parseSemVer(v);
  if (!s || s.major !== 3) throw new UsageError(`--etcd-version ${v} is not an etcd v3 release (v3.Y.Z)`);
  return v.startsWith('v') ? v : `v${v}`;
}

export async function runLab(o: LabOptions, deps: LabDeps): Promise<LabResult> {
  const started = performance.now();
  const notes: string[] = [];
  const note = (m: string): void => {
    notes.push(m);
    deps.note?.(m);
  };
  const request = labRequest(o, deps.env);
  const { version, kdir, binDir } = request;
  mkdirSync(kdir, { recursive: true });

  return withLock(
    join(request.cache, `k8s-${version}.lock`),
    async () => {
      const req = request.from === 'tree' && !request.kubeRoot ? { ...request, kubeRoot: await releaseCheckout(version, request.cache, deps) } : request;
      const existing = readManifest<LabManifest>(kdir);
      const fresh = await freshness(req, existing, deps);
      if (fresh.kube && fresh.etcd && existing) {
        note(`cache hit: Kubernetes ${version} and etcd ${existing.etcd.version} were built on ${existing.kubernetes.builtAt} (--force rebuilds)`);
        return { binDir, cacheHit: { kubernetes: true, etcd: true }, manifest: existing, seconds: secs(started), notes };
      }
      // More binaries of the tree already built: they are built again with the new ones (from
      // Go's cache, a link each), so that the manifest keeps listing them.
      if (fresh.sameTree && existing) req.components = [...new Set([...existing.kubernetes.binaries.map((b) => b.name), ...req.components])];

      const base: GoContext = { runner: deps.runner, signal: deps.signal, note, env: goUserEnv(deps.env) };
      const localGo = await localGoVersion(base);
      const download = await downloadModule(base, KUBERNETES_MODULE, version, req.cache);
      const dir = download.Dir ?? '';
      const upstreamGo = upstreamGoVersion(readIf(join(dir, '.go-version')), readIf(join(dir, 'build/build-image/cross/VERSION')));
      const treeGo = req.kubeRoot ? treeToolchain(req.kubeRoot, deps.env ?? {}) : undefined;
      const tc = treeGo ? { gotoolchain: treeGo.value, reason: treeGo.reason } : chooseToolchain(localGo, upstreamGo, readGoMod(download).go, o.go ?? deps.env?.KINDLAB_LAB_GO);
      note(`Go: ${tc.reason}`);
      const ctx: GoContext = { ...base, gotoolchain: tc.gotoolchain };

      const kubeadmEtcd = kubeadmEtcdOf(dir);
      const etcdChoice = await chooseEtcd(req, kubeadmEtcd, base);
      note(`etcd ${etcdChoice.version} (${etcdChoice.reason})`);

      const kubeHit = fresh.kube && existing !== undefined;
      // etcd builds beside Kubernetes: each one's module downloads and links leave a core idle
      // that the other's compiles fill (a cold lab build of v1.37.2: 600 s one after the other,
      // 499 s side by side).
      const [kube, { etcd, hit: etcdHit }] = await bothOrNeither(
        async (signal) => {
          const built = kubeHit ? existing.kubernetes : await buildKube(req, download, { ...ctx, signal }, deps.env);
          note(kubeHit ? `cache hit: Kubernetes ${version}` : `built Kubernetes ${version} (${req.components.join(', ')}) in ${built.buildSeconds}s`);
          return built;
        },
        (signal) => etcdBuild(req, etcdChoice.version, tc.gotoolchain ?? 'local', { ...ctx, signal }, signal),
        deps.signal,
      );

      const history = [...(existing?.history ?? [])];
      if (!kubeHit || !etcdHit) history.push({ at: new Date().toISOString(), kubernetesSeconds: kubeHit ? 0 : kube.buildSeconds, etcdSeconds: etcdHit ? 0 : etcd.buildSeconds });
      const manifest: LabManifest = {
        schema: 1,
        kubernetes: kube,
        etcd: { ...etcd, reason: etcdChoice.reason, kubeadmEtcdVersion: kubeadmEtcd },
        binDir,
        history,
      };
      writeManifest(kdir, manifest);
      return { binDir, cacheHit: { kubernetes: kubeHit, etcd: etcdHit }, manifest, seconds: secs(started), notes };
    },
    { timeoutMs: 3 * 60 * 60_000, signal: deps.signal, onWait: (pid) => note(`waiting for another lab build of ${version} (pid ${pid})`) },
  );
}

/** A lab request checked and resolved before any work: the release, where it goes, what it builds. */
interface LabRequest {
  version: string;
  cache: string;
  kdir: string;
  binDir: string;
  from: LabSource;
  kubeRoot?: string;
  components: string[];
  wantEtcd?: string;
  force: boolean;
}

function labRequest(o: LabOptions, env: NodeJS.ProcessEnv | undefined): LabRequest {
  const version = normalizeK8sVersion(o.k8sVersion ?? DEFAULT_K8S_VERSION);
  const cache = o.cache ?? labCacheRoot(env);
  const kubeRoot = o.kubeRoot ? resolve(o.kubeRoot) : undefined;
  const from = o.from ?? 'tree';
  if (!LAB_SOURCES.includes(from)) throw new UsageError(`--from ${String(from)}: the lab builds from a tree or a module`, { hint: '--from tree (default) or --from module' });
  if (kubeRoot && from === 'module') throw new UsageError('--kube-root and --from module do not go together: --kube-root names the tree to build from', { hint: 'drop one of them' });
  if (kubeRoot && !existsSync(join(kubeRoot, 'go.mod'))) throw new UsageError(`--kube-root ${o.kubeRoot}: no go.mod there, so it is not a Kubernetes source tree`);
  if (from === 'tree' && o.go) throw new UsageError('--go picks the toolchain of a build from the module proxy\'s copy; a tree build uses the Go the tree pins (.go-version)', { hint: 'add --from module, or set KINDLAB_GOTOOLCHAIN to override the Go of every tree build' });
  const tests = (o.components ?? []).filter(needsTree);
  if (tests.length && from === 'module') throw new UsageError(`${tests.join(', ')} is built from a Kubernetes source tree, not with --from module`, { hint: 'drop --from module: the lab assembles the release\'s tree itself' });
  const components = [...(o.components ?? DEFAULT_COMPONENTS)];
  const kdir = kubeDir(cache, version);
  const wantEtcd = o.etcdVersion ? normalizeEtcdVersion(o.etcdVersion) : undefined;
  return { version, cache, kdir, binDir: join(kdir, 'bin'), from, kubeRoot, components, wantEtcd, force: o.force ?? false };
}

/** Whether the cached Kubernetes and etcd builds serve this request as they are. */
async function freshness(req: LabRequest, existing: LabManifest | undefined, deps: LabDeps): Promise<{ kube: boolean; etcd: boolean; sameTree: boolean }> {
  const treeHead = req.kubeRoot ? (await deps.runner.run('git', ['-C', req.kubeRoot, 'rev-parse', 'HEAD'], { signal: deps.signal })).stdout.trim() : undefined;
  const intact = existing?.schema === 1 && existing.kubernetes.version === req.version && binariesIntact(req.binDir, existing.kubernetes.binaries);
  const sameTree = intact && treeHead !== undefined && existing.kubernetes.source?.commit === treeHead;
  const kube =
    !req.force &&
    intact &&
    // a tree build serves a module request too (same release, superset of binaries), not the reverse
    (treeHead === undefined || sameTree) &&
    req.components.every((c) => existing.kubernetes.binaries.some((b) => b.name === c));
  const etcd = kube && existing !== undefined && (req.wantEtcd === undefined || existing.etcd.version === req.wantEtcd) && binariesIntact(req.binDir, existing.etcd.binaries);
  return { kube, etcd, sameTree };
}

function kubeadmEtcdOf(moduleDir: string): string | undefined {
  const constants = readIf(join(moduleDir, 'cmd/kubeadm/app/constants/constants.go'));
  return constants ? kubeadmEtcdVersion(constants) : undefined;
}

/** etcd: --etcd-version, else kubeadm's pick for this release, or the nearest same-minor release on the proxy. */
async function chooseEtcd(req: LabRequest, kubeadmEtcd: string | undefined, base: GoContext): Promise<{ version: string; reason: string }> {
  if (req.wantEtcd) return { version: req.wantEtcd, reason: '--etcd-version' };
  if (!kubeadmEtcd) throw new UsageError(`cannot find kubeadm's etcd version in Kubernetes ${req.version}; pass --etcd-version`);
  // The exact version first: a proxy's version list can be incomplete while the version is served.
  const exact = await availableModules(base, [`${ETCD_SERVER_MODULE}@${kubeadmEtcd}`], req.cache);
  const available = exact.size ? [kubeadmEtcd] : await listModuleVersions(base, ETCD_SERVER_MODULE, req.cache);
  const choice = chooseEtcdVersion(kubeadmEtcd, available);
  if (!choice) {
    throw new EnvironmentError(`kubeadm pairs Kubernetes ${req.version} with etcd ${kubeadmEtcd}, and the module proxy has no etcd ${kubeadmEtcd.replace(/\.\d+$/, '.x')}`, {
      hint: 'pass --etcd-version vX.Y.Z with a version `go list -m -versions go.etcd.io/etcd/server/v3` lists',
    });
  }
  if (!choice.exact) base.note?.(`etcd: ${choice.reason}: ${choice.version}`);
  return { version: choice.version, reason: choice.reason };
}

/** Kubernetes from its source tree (the tree's Go and flags) or from the module proxy's copy. */
async function buildKube(req: LabRequest, download: Awaited<ReturnType<typeof downloadModule>>, ctx: GoContext, env: NodeJS.ProcessEnv | undefined): Promise<BuildManifest> {
  const logFile = freshLog(join(req.kdir, 'build.log'), `kindlab lab: Kubernetes ${req.version} ${req.components.join(' ')}`);
  const origin = moduleOrigin(download);
  return req.kubeRoot
    ? buildKubernetesFromTree(
        { version: req.version, tree: req.kubeRoot, components: req.components, outDir: req.binDir, logFile, gitCommit: origin.hash ?? 'unknown', buildDate: buildDate(origin.time ?? new Date(0).toISOString()) },
        { ...ctx, env: env ?? {} },
      )
    : buildKubernetesBinaries({ version: req.version, components: req.components, outDir: req.binDir, modDir: join(req.kdir, 'mod'), logFile, download }, ctx);
}

/** etcd, shared between releases (one build per version and toolchain), hard-linked into this bin folder. */
async function etcdBuild(req: LabRequest, version: string, toolchainKey: string, ctx: GoContext, signal: AbortSignal | undefined): Promise<{ etcd: BuildManifest; hit: boolean }> {
  const edir = etcdDir(req.cache, version);
  const done = readManifest<BuildManifest>(edir);
  let etcd: BuildManifest;
  const hit = !req.force && done !== undefined && done.version === version && (done.gotoolchain ?? 'local') === toolchainKey && binariesIntact(join(edir, 'bin'), done.binaries);
  if (hit) {
    etcd = done;
    ctx.note?.(`cache hit: etcd ${version}`);
  } else {
    const logFile = freshLog(join(edir, 'build.log'), `kindlab lab: etcd ${version}`);
    etcd = await withLock(join(req.cache, `etcd-${version}.lock`), () => buildEtcd({ version, outDir: join(edir, 'bin'), modDir: join(edir, 'mod'), logFile }, ctx), { timeoutMs: 60 * 60_000, signal });
    writeManifest(edir, etcd);
    ctx.note?.(`built etcd ${version} in ${etcd.buildSeconds}s`);
  }
  placeFile(join(edir, 'bin', 'etcd'), join(req.binDir, 'etcd'));
  return { etcd, hit };
}

function secs(started: number): number {
  return Math.round((performance.now() - started) / 100) / 10;
}

function readIf(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

function freshLog(path: string, header: string): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, `# ${header}\n# started ${new Date().toISOString()}\n`);
  return path;
}

/** Hard link (same file system) or copy, replacing the target atomically. */
function placeFile(src: string, dst: string): void {
  const tmp = `${dst}.${process.pid}.tmp`;
  rmSync(tmp, { force: true });
  try {
    linkSync(src, tmp);
  } catch {
    copyFileSync(src, tmp);
    chmodSync(tmp, 0o755);
  }
  renameSync(tmp, dst);
}

/** The user's Go settings pass through; nothing else is added. */
function goUserEnv(env: NodeJS.ProcessEnv | undefined): Record<string, string | undefined> {
  if (!env) return {};
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) if (k.startsWith('GO')) out[k] = v;
  return out;
}
