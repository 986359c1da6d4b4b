// `kindlab build`: a Kubernetes ref → a labelled kind node image, built in a detached worktree in
// kindlab's state folder so the user's checkout is never touched. Same commit again = cache hit.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Docker } from '../docker/docker.js';
import { writeFileAtomic } from '../state/atomic.js';
import { LABEL_COMMIT, LABEL_DESCRIBE, LABEL_KUBE_ROOT, LABEL_MANAGED } from '../docker/labels.js';
import { EnvironmentError, ProcessError, UsageError } from '../errors.js';
import type { ProcessRunner } from '../exec/runner.js';
import { prepareOfflineBuild, type OfflineBuild } from '../images/offline-build.js';
import { archiveFiles } from '../images/supply.js';
import { PINNED_KIND_VERSION } from '../kind/version.js';
import { buildServerTarball } from './go-builder.js';
import { kubeGitVersion } from './kube-version.js';
import { Kind } from '../kind/driver.js';
import type { StateStore } from '../state/store.js';
import type { ImageRecord } from '../state/records.js';
import type { Phases } from '../util/phases.js';
import { Git } from './git.js';
import { withLock } from '../state/lock.js';
import { validateKubeRoot } from './kube-root.js';
import { nodeImageName } from './ref.js';

export type Builder = 'go' | 'source';
export const BUILDERS: readonly Builder[] = ['go', 'source'];
/**
 * The default builder: `go` compiles on the host with the Go build cache, so the next commit's
 * build is incremental, and needs no build images from a registry; `source` runs Kubernetes'
 * dockerized `make quick-release-images`, which needs the kube-cross image.
 */
export const DEFAULT_BUILDER: Builder = 'go';

export interface BuildRequest {
  kubeRoot: { path: string; from: string };
  ref: string;
  force?: boolean;
  builder?: Builder;
  /** kind's --base-image (a local tag or a pullable reference). */
  baseImage?: string;
  /** Image archives (files or folders) that supply every image kind fetches: nothing is pulled. */
  images?: string[];
  /** --dry-run without kind installed: the kind version whose command form to print. */
  kindVersion?: string;
}

export interface BuildDeps {
  runner: ProcessRunner;
  env?: NodeJS.ProcessEnv;
  store: StateStore;
  phases: Phases;
  signal?: AbortSignal;
  /** Print commands only (the runner is a DryRunRunner for mutating calls). */
  dryRun?: boolean;
}

export interface BuildResult {
  image: string;
  commit: string;
  describe: string;
  cacheHit: boolean;
  logFile?: string;
  seconds: number;
}

/** What a build of a ref resolves to, before anything is built. */
export interface ResolvedSource {
  commit: string;
  describe: string;
  /** Uncommitted changes of the user's tree carried into the build (ref HEAD only). */
  patch?: string;
  /** Cache key: the commit, plus a hash of the patch for a dirty tree. */
  key: string;
  image: string;
}

export async function resolveSource(req: BuildRequest, git: Git): Promise<ResolvedSource> {
  validateKubeRoot(req.kubeRoot);
  const commit = await git.resolve(req.ref);
  let describe = await git.describe(commit);
  let patch: string | undefined;
  let key = commit;
  if (req.ref === 'HEAD' && (await git.isDirty())) {
    patch = await git.diffHead();
    const hash = createHash('sha256').update(patch).digest('hex').slice(0, 8);
    describe = `${describe}-dirty-${hash}`;
    key = `${commit}-dirty-${hash}`;
  }
  return { commit, describe, patch, key, image: nodeImageName(describe) };
}

/**
 * Build settings from the environment, for builds that `up --ref` and `test <ref>` start:
 * KINDLAB_BUILDER, KINDLAB_BASE_IMAGE, KINDLAB_IMAGES (archive paths separated by ":").
 * Flags given to `kindlab build` win.
 */
export function withBuildEnv(req: BuildRequest, env: NodeJS.ProcessEnv): BuildRequest {
  const builder = req.builder ?? (env.KINDLAB_BUILDER || undefined);
  if (builder !== undefined && !BUILDERS.includes(builder as Builder)) {
    throw new UsageError(`unknown builder "${builder}" (KINDLAB_BUILDER or --builder)`, { hint: `one of: ${BUILDERS.join(', ')}` });
  }
  return {
    ...req,
    builder: builder as Builder | undefined,
    baseImage: req.baseImage ?? (env.KINDLAB_BASE_IMAGE || undefined),
    images: req.images?.length ? req.images : env.KINDLAB_IMAGES ? env.KINDLAB_IMAGES.split(':').filter(Boolean) : undefined,
  };
}

export async function buildNodeImage(request: BuildRequest, deps: BuildDeps): Promise<BuildResult> {
  const req = withBuildEnv(request, deps.env ?? process.env);
  const started = performance.now();
  const { store, phases, signal } = deps;
  const git = new Git(deps.runner, req.kubeRoot.path, signal);
  const docker = new Docker(deps.runner, signal);
  const kind = new Kind(deps.runner, signal);

  // Inputs first, dry run included: a missing archive or base image must not cost a checkout and a Go build.
  if (req.images?.length) archiveFiles(req.images);
  if (req.baseImage && !(await docker.imageInfo(req.baseImage))) {
    throw new EnvironmentError(`--base-image ${req.baseImage} is not in the local docker daemon`, {
      hint: 'nothing is pulled here: load it first (docker load -i FILE, or npm run lab builds kindlab/base), or drop --base-image for kind\'s default',
    });
  }
  const src = await phases.run('resolve ref', () => resolveSource(req, git));
  phases.note(`${req.ref} → ${src.commit.slice(0, 12)} (${src.describe})${src.patch ? ' with your uncommitted changes' : ''}`);

  // One build per commit at a time: a second kindlab building the same commit waits, then hits the cache.
  if (deps.dryRun) return buildLocked(req, deps, src, git, docker, kind, started);
  store.ensure();
  return withLock(join(store.paths.root, 'locks', `build-${src.key}.lock`), () => buildLocked(req, deps, src, git, docker, kind, started), {
    timeoutMs: BUILD_LOCK_TIMEOUT_MS,
    signal: deps.signal,
    onWait: (pid) => phases.note(`waiting for another kindlab (pid ${pid}) building the same commit`),
  });
}

const BUILD_LOCK_TIMEOUT_MS = 3 * 60 * 60 * 1000;

async function buildLocked(req: BuildRequest, deps: BuildDeps, src: ResolvedSource, git: Git, docker: Docker, kind: Kind, started: number): Promise<BuildResult> {
  const { store, phases } = deps;
  const builder = req.builder ?? DEFAULT_BUILDER;
  const hit = await cachedImage(store, docker, src, req.baseImage);
  if (hit && !req.force) {
    phases.note(`cache hit: ${hit.tag} was built from this commit on ${hit.builtAt} (use --force to rebuild)`);
    return { image: hit.tag, commit: src.commit, describe: src.describe, cacheHit: true, seconds: (performance.now() - started) / 1000 };
  }

  const kindVersion = await phases.run('check kind and docker', () => kindAndDocker(req, deps, kind, docker));
  const gitVersion = kubeGitVersion(src.describe);
  if (builder === 'go' && !gitVersion) {
    throw new UsageError(`${req.ref} (${src.describe}) is not on top of a Kubernetes release tag, so the go builder cannot tell which version to stamp`, {
      hint: 'fetch the tags of the checkout (git fetch --tags), or use --builder source',
    });
  }

  const worktree = join(store.paths.worktrees, `${src.key}-${process.pid}`);
  const workDir = join(store.paths.root, 'builds', `${src.key.slice(0, 20)}-${process.pid}`);
  const logFile = join(store.paths.logs, `build-${src.key.slice(0, 12)}-${Date.now()}.log`);
  const unlabelled = `${src.image}-kindlab-unlabelled`;
  const buildContainersBefore = new Set(await docker.containersNamed('kind-build-'));
  let offline: OfflineBuild | undefined;
  try {
    await phases.run('check out worktree', async () => {
      if (existsSync(worktree)) await git.removeWorktree(worktree);
      await git.addWorktree(worktree, src.commit);
      if (src.patch) await git.applyPatch(worktree, src.patch);
    });
    phases.note(`build log: ${logFile}`);
    if (!deps.dryRun) mkdirSync(workDir, { recursive: true });
    offline = await offlineSupply(req, deps, kind, workDir);
    const baseImage = offline?.baseImage ?? req.baseImage;
    const source = builder === 'go' ? { tarball: await goBuiltTarball(req, deps, kind, { worktree, workDir, gitVersion: gitVersion ?? '', src, logFile }) } : { tree: worktree };
    const how = 'tree' in source ? '--type source' : '--type file';
    await phases.run(`kind build node-image ${how} (kind ${kindVersion})`, async () => {
      try {
        // kind extracts the server tarball under $TMPDIR (≈ 1 GB) and leaves it there when it
        // fails or is killed: a TMPDIR inside the build folder goes with it.
        const tmp = join(workDir, 'tmp');
        if (!deps.dryRun) mkdirSync(tmp, { recursive: true });
        await kind.buildNodeImage({ source, image: unlabelled, baseImage, logFile, env: { ...offline?.env, TMPDIR: tmp }, kindVersion });
      } catch (e) {
        const missing = e instanceof ProcessError ? offline?.missingImagesError(e) : undefined;
        throw missing ?? e;
      }
    });
    await phases.run('label image', () => labelImage(docker, unlabelled, src, req, offline, phases));
  } catch (e) {
    // kind leaves its build container behind when it is killed; remove only the new ones.
    const leftovers = (await docker.containersNamed('kind-build-')).filter((c) => !buildContainersBefore.has(c));
    await docker.removeContainers(leftovers);
    await docker.removeImage(unlabelled);
    throw e;
  } finally {
    await offline?.close();
    await git.removeWorktree(worktree);
    rmSync(worktree, { recursive: true, force: true });
    rmSync(workDir, { recursive: true, force: true });
  }

  const seconds = (performance.now() - started) / 1000;
  if (!deps.dryRun) await saveRecord(store, req, src, { seconds, kindVersion, builder });
  return { image: src.image, commit: src.commit, describe: src.describe, cacheHit: false, logFile, seconds };
}

async function saveRecord(store: BuildDeps['store'], req: BuildRequest, src: ResolvedSource, b: { seconds: number; kindVersion: string; builder: Builder }): Promise<void> {
  const rec: ImageRecord = {
    kind: 'node-image',
    tag: src.image,
    commit: src.key,
    describe: src.describe,
    kubeRoot: req.kubeRoot.path,
    builtAt: new Date().toISOString(),
    buildSeconds: Math.round(b.seconds),
    kindVersion: b.kindVersion,
    builder: b.builder,
    baseImage: req.baseImage,
  };
  if (src.patch) writeFileAtomic(store.imagePatchFile('node-image', src.key), src.patch, 0o600);
  await store.lock(() => store.saveImage(rec));
}

/** The built image under its tag with kindlab's labels; the image the tag pointed to before goes. */
async function labelImage(docker: Docker, unlabelled: string, src: ResolvedSource, req: BuildRequest, offline: OfflineBuild | undefined, phases: BuildDeps['phases']): Promise<void> {
  // A rebuild moves the tag: the image kindlab built before under it would be left dangling,
  // out of sight of ls and rmi. It goes, unless a container still uses it (docker refuses then).
  const previous = await docker.imageInfo(src.image);
  await docker.deriveImage(unlabelled, src.image, {
    files: offline?.restoreFiles,
    changes: Object.entries({
      [LABEL_MANAGED]: 'true',
      [LABEL_COMMIT]: src.commit,
      [LABEL_DESCRIBE]: src.describe,
      [LABEL_KUBE_ROOT]: req.kubeRoot.path,
    }).map(([k, v]) => `LABEL ${k}=${JSON.stringify(v)}`),
  });
  await docker.removeImage(unlabelled);
  const now = await docker.imageInfo(src.image);
  if (previous && previous.labels[LABEL_MANAGED] === 'true' && previous.id !== now?.id) {
    await docker.removeImage(previous.id);
    if (await docker.imageInfo(previous.id)) phases.note(`the image this tag pointed to before (${previous.id.slice(7, 19)}) is still used by a container; docker image rm it when that is gone`);
    else phases.note(`removed the image this tag pointed to before (${previous.id.slice(7, 19)})`);
  }
}

/** --images: kind's image fetches served from the archives (no registry); a dry run only says so. */
async function offlineSupply(req: BuildRequest, deps: BuildDeps, kind: Kind, workDir: string): Promise<OfflineBuild | undefined> {
  if (!req.images?.length) return undefined;
  if (deps.dryRun) {
    deps.phases.note(`--images: kindlab would serve kind's image fetches from ${req.images.join(', ')} through a proxy on docker's bridge, with a copy of the base image that trusts kindlab's CA`);
    return undefined;
  }
  const base = req.baseImage ?? (await kind.defaultBaseImage());
  if (!base) throw new EnvironmentError('cannot tell which base image kind would use', { hint: 'pass --base-image' });
  const offline = await deps.phases.run('serve --images to kind (no registry)', () =>
    prepareOfflineBuild({ archives: req.images ?? [], baseImage: base, stateDir: deps.store.paths.root, workDir }, deps.runner, deps.signal),
  );
  deps.phases.note(`kind's image fetches go to kindlab (${offline.supply.refs.length} image reference(s) in --images, plus local docker images on request)`);
  return offline;
}

/** The go builder: the server tarball kind packs, built from the worktree with the Go build cache. */
async function goBuiltTarball(req: BuildRequest, deps: BuildDeps, kind: Kind, b: { worktree: string; workDir: string; gitVersion: string; src: ResolvedSource; logFile: string }): Promise<string> {
  const kubeProxyBase = req.baseImage ?? (await kind.defaultBaseImage()) ?? (deps.dryRun ? "<kind's default base image>" : undefined);
  if (!kubeProxyBase) throw new EnvironmentError('cannot tell which base image kind would use (for the kube-proxy image)', { hint: 'pass --base-image' });
  return buildServerTarball(
    { worktree: b.worktree, workDir: b.workDir, gitVersion: b.gitVersion, commit: b.src.commit, dirty: Boolean(b.src.patch), kubeProxyBase, logFile: b.logFile },
    { runner: deps.runner, phases: deps.phases, env: deps.env ?? process.env, signal: deps.signal, dryRun: deps.dryRun },
  );
}

/**
 * kind's version (and docker reachable). A dry run on a machine without kind prints the command
 * form of --kind-version, else of the kind version CI pins, and says so.
 */
async function kindAndDocker(req: BuildRequest, deps: BuildDeps, kind: Kind, docker: Docker): Promise<string> {
  if (deps.dryRun && req.kindVersion) {
    deps.phases.note(`--dry-run: commands for kind ${req.kindVersion} (--kind-version)`);
    return req.kindVersion;
  }
  try {
    const v = await kind.requireVersion();
    await docker.requireDaemon();
    return v;
  } catch (e) {
    if (!deps.dryRun) throw e;
    deps.phases.note(`--dry-run: ${(e as Error).message}; printing the commands for kind ${PINNED_KIND_VERSION} (pass --kind-version to choose another)`);
    return PINNED_KIND_VERSION;
  }
}

/** A recorded image still present in docker with kindlab's commit label. */
async function cachedImage(store: StateStore, docker: Docker, src: ResolvedSource, baseImage?: string): Promise<ImageRecord | undefined> {
  const rec = store.getImage('node-image', src.key);
  if (!rec) return undefined;
  if (baseImage && rec.baseImage !== baseImage) return undefined;
  const info = await docker.imageInfo(rec.tag);
  if (!info || info.labels[LABEL_COMMIT] !== src.commit) return undefined;
  return rec;
}
