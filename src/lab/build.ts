// Builds Kubernetes commands and the etcd server from the Go module proxy, through wrapper
// modules (see gomod.ts), with the version stamped the way Kubernetes' own build does it.
// Every go command runs through the ProcessRunner; long ones log to a file whose tail is shown
// on failure.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { EnvironmentError, KindlabError, ProcessError, UsageError } from '../errors.js';
import { buildInTree, buildTestInTree, isTestBinary, isTreeTool, KUBE_TREE_TAGS, treeToolchain, treeToolPackageIn } from '../source/go-build.js';
import { versionLdflags } from '../source/kube-version.js';
import type { ProcessRunner } from '../exec/runner.js';
import type { BinaryInfo, BuildManifest } from './cache.js';
import {
  commandPackage,
  ETCD_SERVER_MODULE,
  etcdWrapper,
  KUBERNETES_MODULE,
  kubernetesWrapper,
  lowerPatches,
  parseGoMod,
  splitJsonStream,
  stagingModules,
  stagingVersion,
  type ParsedGoMod,
} from './gomod.js';
import { buildDate, etcdLdflags, kubeLdflags, parseGoVersion, parseVersionOutput } from './versions.js';

/** What `go mod download -json` says about a module version. */
export interface ModuleDownload {
  Path: string;
  Version: string;
  Info?: string;
  GoMod?: string;
  Zip?: string;
  Dir?: string;
  Error?: string;
  Origin?: { Hash?: string };
}

export interface GoContext {
  runner: ProcessRunner;
  signal?: AbortSignal;
  /** Progress lines for the user. */
  note?: (msg: string) => void;
  /** GOTOOLCHAIN to build with (e.g. go1.21.8), else the local go. */
  gotoolchain?: string;
  /** Extra environment for go (e.g. GOFLAGS, GOPROXY from the user's environment is inherited). */
  env?: Record<string, string | undefined>;
}

function goEnv(ctx: GoContext, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { ...ctx.env, GOTOOLCHAIN: ctx.gotoolchain ?? 'local', ...extra };
}

async function go(ctx: GoContext, args: string[], opts: { cwd?: string; logFile?: string; env?: Record<string, string | undefined>; toolchain?: boolean } = {}): Promise<string> {
  const env = opts.toolchain === false ? { ...ctx.env, GOTOOLCHAIN: 'local', ...opts.env } : goEnv(ctx, opts.env);
  try {
    const r = await ctx.runner.run('go', args, { cwd: opts.cwd, env, signal: ctx.signal, logFile: opts.logFile });
    return r.stdout;
  } catch (e) {
    if (e instanceof ProcessError && e.processExitCode === undefined && /command not found/.test(e.message)) {
      throw new EnvironmentError('go is not installed (npm run lab builds Kubernetes from the Go module proxy)', {
        hint: 'install Go ≥ 1.21 (https://go.dev/dl/, or apt-get install golang-go from backports) and put it on PATH',
        cause: e,
      });
    }
    throw e;
  }
}

export async function localGoVersion(ctx: GoContext): Promise<string> {
  const out = await go(ctx, ['version'], { toolchain: false });
  const v = parseGoVersion(out);
  if (!v) throw new EnvironmentError(`cannot read the Go version from: ${out.trim()}`);
  return v;
}

/** `go mod download -json path@version`, outside any module. */
export async function downloadModule(ctx: GoContext, path: string, version: string, cwd: string): Promise<ModuleDownload> {
  mkdirSync(cwd, { recursive: true });
  let out: string;
  try {
    out = await go(ctx, ['mod', 'download', '-json', `${path}@${version}`], { cwd, toolchain: false });
  } catch (e) {
    if (e instanceof ProcessError) {
      let msg = e.outputTail;
      try {
        msg = (JSON.parse(e.outputTail) as ModuleDownload).Error ?? msg;
      } catch {
        /* not JSON */
      }
      throw new EnvironmentError(`the Go module proxy has no ${path}@${version}: ${msg.trim().split('\n').slice(-3).join(' ')}`, {
        hint: `check the version (go list -m -versions ${path}) and that GOPROXY (${process.env.GOPROXY ?? 'default'}) is reachable`,
        cause: e,
      });
    }
    throw e;
  }
  const d = JSON.parse(out) as ModuleDownload;
  if (d.Error) throw new EnvironmentError(`cannot download ${path}@${version}: ${d.Error}`);
  return d;
}

/** Versions of a module the proxy lists (releases and pre-releases). */
export async function listModuleVersions(ctx: GoContext, path: string, cwd: string): Promise<string[]> {
  mkdirSync(cwd, { recursive: true });
  const out = await go(ctx, ['list', '-m', '-versions', path], { cwd, toolchain: false });
  return out.trim().split(/\s+/).slice(1);
}

/** Which of these path@version the proxy serves (`go list -m -e -json`, .info only). */
export async function availableModules(ctx: GoContext, specs: string[], cwd: string): Promise<Set<string>> {
  if (!specs.length) return new Set();
  mkdirSync(cwd, { recursive: true });
  const out = await go(ctx, ['list', '-m', '-e', '-json', ...specs], { cwd, toolchain: false });
  const ok = new Set<string>();
  for (const o of splitJsonStream(out) as { Path: string; Version?: string; Error?: unknown }[]) {
    if (!o.Error && o.Version) ok.add(`${o.Path}@${o.Version}`);
  }
  return ok;
}

/**
 * The staging versions for a release. The public proxy serves every v0.Y.Z tag; a filtered
 * proxy may lack some, and then the nearest lower patch of the same minor stands in (said so).
 */
export async function resolveStagingVersions(ctx: GoContext, k8sVersion: string, k8sMod: ParsedGoMod, cwd: string): Promise<Record<string, string>> {
  const want = stagingVersion(k8sVersion);
  const mods = stagingModules(k8sMod);
  const ok = await availableModules(ctx, mods.map((m) => `${m}@${want}`), cwd);
  const overrides: Record<string, string> = {};
  for (const m of mods) {
    if (ok.has(`${m}@${want}`)) continue;
    const candidates = lowerPatches(want);
    const have = await availableModules(ctx, candidates.map((v) => `${m}@${v}`), cwd);
    const pick = candidates.find((v) => have.has(`${m}@${v}`));
    if (!pick) {
      throw new EnvironmentError(`the Go module proxy has no ${m} ${want} (nor an earlier ${want.replace(/\.\d+$/, '.x')})`, {
        hint: 'check GOPROXY; the public proxy (https://proxy.golang.org) serves every staging tag',
      });
    }
    overrides[m] = pick;
    ctx.note?.(`the module proxy has no ${m}@${want}; using ${pick}, the nearest earlier patch`);
  }
  return overrides;
}

/** The commit and date of a module version, from the proxy's .info (Origin is only sometimes there). */
export function moduleOrigin(d: ModuleDownload): { hash?: string; time?: string } {
  let hash = d.Origin?.Hash;
  let time: string | undefined;
  if (d.Info && existsSync(d.Info)) {
    try {
      const info = JSON.parse(readFileSync(d.Info, 'utf8')) as { Time?: string; Origin?: { Hash?: string } };
      hash = hash ?? info.Origin?.Hash;
      time = info.Time;
    } catch {
      /* ignore a damaged .info */
    }
  }
  return { hash, time };
}

export function readGoMod(d: ModuleDownload): ParsedGoMod {
  if (!d.GoMod) throw new KindlabError(`go mod download gave no go.mod for ${d.Path}@${d.Version}`);
  return parseGoMod(readFileSync(d.GoMod, 'utf8'));
}

function writeWrapper(modDir: string, w: { goMod: string; toolsGo?: string }): void {
  mkdirSync(modDir, { recursive: true });
  const goModPath = join(modDir, 'go.mod');
  // tidy rewrites go.mod, so the rendered wrapper is kept beside it: when it is unchanged, the
  // tidied go.mod and go.sum of the last build are reused as they are.
  const renderedPath = join(modDir, 'wrapper.mod.txt');
  const old = existsSync(renderedPath) ? readFileSync(renderedPath, 'utf8') : undefined;
  if (old === w.goMod && existsSync(goModPath) && existsSync(join(modDir, 'go.sum'))) return;
  rmSync(join(modDir, 'go.sum'), { force: true });
  writeFileSync(goModPath, w.goMod);
  writeFileSync(renderedPath, w.goMod);
  const tools = join(modDir, 'tools.go');
  if (w.toolsGo) writeFileSync(tools, w.toolsGo);
  else rmSync(tools, { force: true });
}

async function binaryVersion(ctx: GoContext, file: string, name: string): Promise<string> {
  const args = name === 'kubectl' ? ['version', '--client'] : name === 'kubeadm' ? ['version', '-o', 'short'] : ['--version'];

  const r = await ctx.runner.run(file, args, { signal: ctx.signal, allowFailure: true, timeoutMs: 30_000 });
  const v = parseVersionOutput(`${r.stdout}\n${r.stderr}`);
  if (!v) throw new KindlabError(`${file} ${args.join(' ')} printed no version`, { detail: `${r.stdout}${r.stderr}` });
  return v;
}

async function toolVersion(ctx: GoContext, file: string, name: string): Promise<string> {
  const r = await ctx.runner.run(file, ['version'], { signal: ctx.signal, allowFailure: true, timeoutMs: 30_000 });
  const m = /(\d+\.\d+\.\d+)/.exec(`${r.stdout}${r.stderr}`);
  if (!m) throw new KindlabError(`${file} version printed no version`, { detail: `${r.stdout}${r.stderr}` });
  return `${name} ${m[1]}`;
}

/** Module builds use the tree builds' tags too: one flag set for every Kubernetes build. */
export const KUBE_BUILD_TAGS: readonly string[] = KUBE_TREE_TAGS;
export const DEFAULT_COMPONENTS = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl'] as const;

export interface KubeBuildRequest {
  /** A Kubernetes release, e.g. v1.37.2. */
  version: string;
  /** Commands under k8s.io/kubernetes/cmd/, e.g. kube-apiserver. */
  components: readonly string[];
  /** Where the binaries go. */
  outDir: string;
  /** The wrapper module's folder (kept between builds; default: <outDir>/../mod). */
  modDir?: string;
  /** Build log (appended); its tail is shown on failure. */
  logFile: string;
  /** Already downloaded module (saves a go call). */
  download?: ModuleDownload;
}

/**
 * Builds Kubernetes commands of a release from the module proxy into outDir, stamped with the
 * release's version, and checks each binary reports it. Reusable for node images: pass the
 * components (e.g. kubelet, kubeadm) and a folder.
 */
export async function buildKubernetesBinaries(req: KubeBuildRequest, ctx: GoContext): Promise<BuildManifest> {
  const started = performance.now();
  const modDir = req.modDir ?? join(req.outDir, '..', 'mod');
  const d = req.download ?? (await downloadModule(ctx, KUBERNETES_MODULE, req.version, join(modDir, '..')));
  const k8sMod = readGoMod(d);
  const origin = moduleOrigin(d);
  const overrides = await resolveStagingVersions(ctx, req.version, k8sMod, join(modDir, '..'));
  writeWrapper(modDir, kubernetesWrapper(req.version, k8sMod, req.components, overrides));
  const goVersion = (await go(ctx, ['env', 'GOVERSION'], { cwd: modDir })).trim().replace(/^go/, '');
  ctx.note?.(`go mod tidy (go${goVersion}${ctx.gotoolchain ? `, GOTOOLCHAIN=${ctx.gotoolchain}` : ''})`);
  await go(ctx, ['mod', 'tidy'], { cwd: modDir, logFile: req.logFile });
  const ldflags = kubeLdflags({ gitVersion: req.version, gitCommit: origin.hash ?? 'unknown', buildDate: buildDate(origin.time ?? new Date(0).toISOString()) });
  mkdirSync(req.outDir, { recursive: true });
  ctx.note?.(`go build ${req.components.join(' ')} (log: ${req.logFile})`);
  const cold = !req.components.every((c) => existsSync(join(req.outDir, c)));
  await go(
    ctx,
    ['build', '-p', String(Math.max(1, availableParallelism())), '-trimpath', '-tags', KUBE_BUILD_TAGS.join(','), '-ldflags', ldflags, '-o', req.outDir + '/', ...req.components.map(commandPackage)],
    { cwd: modDir, logFile: req.logFile, env: { CGO_ENABLED: '0' } },
  );
  const binaries: BinaryInfo[] = [];
  for (const c of req.components) {
    const file = join(req.outDir, c);
    const v = await binaryVersion(ctx, file, c);
    if (v !== req.version) {
      throw new KindlabError(`${c} reports ${v}, expected ${req.version}: the version stamp did not take`, {
        hint: `the -X paths (${ldflags}) may not match this release's version package; see docs/lab.md`,
      });
    }
    binaries.push({ name: c, version: v, size: statSync(file).size });
  }
  return {
    kind: 'kubernetes',
    module: KUBERNETES_MODULE,
    version: req.version,
    gitCommit: origin.hash ?? 'unknown',
    ldflags,
    tags: [...KUBE_BUILD_TAGS],
    go: goVersion,
    gotoolchain: ctx.gotoolchain,
    binaries,
    builtAt: new Date().toISOString(),
    buildSeconds: Math.round((performance.now() - started) / 100) / 10,
    firstBuild: cold,
    ...(Object.keys(overrides).length ? { substitutions: overrides } : {}),
  };
}

export interface EtcdBuildRequest {
  version: string;
  outDir: string;
  modDir?: string;
  logFile: string;
}

/** Builds the etcd server (binary `etcd`) from the module proxy. */
export async function buildEtcd(req: EtcdBuildRequest, ctx: GoContext): Promise<BuildManifest> {
  const started = performance.now();
  const modDir = req.modDir ?? join(req.outDir, '..', 'mod');
  const d = await downloadModule(ctx, ETCD_SERVER_MODULE, req.version, join(modDir, '..'));
  const origin = moduleOrigin(d);
  writeWrapper(modDir, etcdWrapper(req.version, readGoMod(d)));
  const goVersion = (await go(ctx, ['env', 'GOVERSION'], { cwd: modDir })).trim().replace(/^go/, '');
  await go(ctx, ['mod', 'tidy'], { cwd: modDir, logFile: req.logFile });
  const sha = origin.hash ? origin.hash.slice(0, 10) : 'unknown';
  const ldflags = etcdLdflags(sha);
  mkdirSync(req.outDir, { recursive: true });
  const file = join(req.outDir, 'etcd');
  const cold = !existsSync(file);
  ctx.note?.(`go build etcd ${req.version} (log: ${req.logFile})`);
  await go(ctx, ['build', '-p', String(Math.max(1, availableParallelism())), '-trimpath', '-ldflags', ldflags, '-o', file, ETCD_SERVER_MODULE], {
    cwd: modDir,
    logFile: req.logFile,
    env: { CGO_ENABLED: '0' },
  });
  const v = await binaryVersion(ctx, file, 'etcd');
  if (v !== req.version) throw new KindlabError(`etcd reports ${v}, expected ${req.version}`);
  return {
    kind: 'etcd',
    module: ETCD_SERVER_MODULE,
    version: req.version,
    gitCommit: sha,
    ldflags,
    tags: [],
    go: goVersion,
    gotoolchain: ctx.gotoolchain,
    binaries: [{ name: 'etcd', version: v, size: statSync(file).size }],
    builtAt: new Date().toISOString(),
    buildSeconds: Math.round((performance.now() - started) / 100) / 10,
    firstBuild: cold,
  };
}

export interface TreeKubeBuildRequest {
  /** A Kubernetes release, e.g. v1.37.2; the tree's HEAD must be its tag. */
  version: string;
  /** The source tree (e.g. lab/node/kube-checkout.sh's KUBE_ROOT). */
  tree: string;
  /** Commands under cmd/ (the node image's and the control plane's, so they are compiled once). */
  components: readonly string[];
  outDir: string;
  logFile: string;
  /** The commit the binaries report (upstream's, from the module proxy's .info, when known). */
  gitCommit: string;
  /** The release's time, so the stamp is reproducible. */
  buildDate: string;
}

/**
 * Builds Kubernetes commands of a release from a source tree with the tree's own Go and the one
 * flag set of every tree build (src/source/go-build.ts): a node image, components or a test
 * binary of the same commit built afterwards reuse every compiled package and only link.
 */
export async function buildKubernetesFromTree(req: TreeKubeBuildRequest, ctx: GoContext & { env: NodeJS.ProcessEnv }): Promise<BuildManifest> {
  const started = performance.now();
  const head = (await ctx.runner.run('git', ['-C', req.tree, 'rev-parse', 'HEAD'], { signal: ctx.signal })).stdout.trim();
  const tagged = await ctx.runner.run('git', ['-C', req.tree, 'rev-parse', '--verify', '--quiet', `refs/tags/${req.version}^{commit}`], { signal: ctx.signal, allowFailure: true });
  if (tagged.stdout.trim() !== head) {
    throw new UsageError(`the tree ${req.tree} is not at ${req.version} (HEAD ${head.slice(0, 12)}, tag ${tagged.stdout.trim().slice(0, 12) || 'absent'})`, {
      hint: `check out ${req.version} there, or pass the tree lab/node/kube-checkout.sh assembled for ${req.version}`,
    });
  }
  const dirty = (await ctx.runner.run('git', ['-C', req.tree, 'status', '--porcelain', '--untracked-files=no'], { signal: ctx.signal })).stdout.trim();
  if (dirty) throw new UsageError(`the tree ${req.tree} has uncommitted changes; a lab build is of the release as tagged`, { hint: 'commit or stash them, or use `kindlab build --components` for a working tree' });
  const ldflags = ['-s', '-w', ...versionLdflags({ gitVersion: req.version, gitCommit: req.gitCommit, treeState: 'clean', buildDate: req.buildDate })].join(' ');
  const cold = !req.components.every((c) => existsSync(join(req.outDir, c)));
  mkdirSync(req.outDir, { recursive: true });
  const tmpDir = join(req.outDir, '..', 'tmp');
  ctx.note?.(`go build ${req.components.join(' ')} in ${req.tree} with ${treeToolchain(req.tree, ctx.env).reason} (log: ${req.logFile})`);
  let toolchain: { value?: string };
  try {
    const commands = req.components.filter((c) => !isTestBinary(c) && !isTreeTool(c));
    toolchain = treeToolchain(req.tree, ctx.env);
    if (commands.length) ({ toolchain } = await buildInTree({ tree: req.tree, packages: commands.map((c) => `./cmd/${c}`), out: req.outDir + '/', ldflags, tmpDir, logFile: req.logFile }, { runner: ctx.runner, env: ctx.env, signal: ctx.signal }));
    for (const t of req.components.filter(isTreeTool)) {
      const pkg = treeToolPackageIn(req.tree, t);
      ctx.note?.(`go build ${t} (${pkg}) in ${req.tree}`);
      await buildInTree({ tree: req.tree, packages: [pkg], out: join(req.outDir, t), ldflags, tmpDir, logFile: req.logFile }, { runner: ctx.runner, env: ctx.env, signal: ctx.signal });
    }
    // after the commands: a test binary then compiles only its own packages
    for (const t of req.components.filter(isTestBinary)) {
      ctx.note?.(`go test -c ${t} in ${req.tree}`);
      await buildTestInTree({ tree: req.tree, name: t, out: join(req.outDir, t), ldflags, tmpDir, logFile: req.logFile }, { runner: ctx.runner, env: ctx.env, signal: ctx.signal });
    }
  } finally {
    rmSync(tmpDir, { recursive: true, force: true });
  }
  const goVersion = (await ctx.runner.run('go', ['env', 'GOVERSION'], { cwd: req.tree, env: toolchain.value ? { GOTOOLCHAIN: toolchain.value } : {}, signal: ctx.signal })).stdout.trim().replace(/^go/, '');
  const binaries: BinaryInfo[] = [];
  for (const c of req.components) {
    const file = join(req.outDir, c);
    // A tool has its own version (ginkgo's), not the release's.
    const v = isTreeTool(c) ? await toolVersion(ctx, file, c) : await binaryVersion(ctx, file, c);
    if (!isTreeTool(c) && v !== req.version) throw new KindlabError(`${c} reports ${v}, expected ${req.version}: the version stamp did not take`);
    binaries.push({ name: c, version: v, size: statSync(file).size });
  }
  return {
    kind: 'kubernetes',
    module: KUBERNETES_MODULE,
    version: req.version,
    gitCommit: req.gitCommit,
    ldflags,
    tags: [...KUBE_TREE_TAGS],
    go: goVersion,
    gotoolchain: toolchain.value,
    source: { tree: req.tree, commit: head },
    binaries,
    builtAt: new Date().toISOString(),
    buildSeconds: Math.round((performance.now() - started) / 100) / 10,
    firstBuild: cold,
  };
}
