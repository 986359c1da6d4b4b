// `kindlab build`: a Kubernetes ref → a labelled kind node image, built in a detached worktree in
// kindlab's state folder so the user's checkout is never touched. Same commit again = cache hit.
import { createHash } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Docker } from '../docker/docker.js';
import { LABEL_COMMIT, LABEL_DESCRIBE, LABEL_KUBE_ROOT, LABEL_MANAGED } from '../docker/labels.js';
import type { ProcessRunner } from '../exec/runner.js';
import { Kind } from '../kind/driver.js';
import type { StateStore } from '../state/store.js';
import type { ImageRecord } from '../state/records.js';
import type { Phases } from '../util/phases.js';
import { Git } from './git.js';
import { withLock } from '../state/lock.js';
import { validateKubeRoot } from './kube-root.js';
import { nodeImageName } from './ref.js';

export interface BuildRequest {
  kubeRoot: { path: string; from: string };
  ref: string;
  force?: boolean;
}

export interface BuildDeps {
  runner: ProcessRunner;
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

export async function buildNodeImage(req: BuildRequest, deps: BuildDeps): Promise<BuildResult> {
  const started = performance.now();
  const { store, phases, signal } = deps;
  const git = new Git(deps.runner, req.kubeRoot.path, signal);
  const docker = new Docker(deps.runner, signal);
  const kind = new Kind(deps.runner, signal);

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
  const hit = await cachedImage(store, docker, src);
  if (hit && !req.force) {
    phases.note(`cache hit: ${hit.tag} was built from this commit on ${hit.builtAt} (use --force to rebuild)`);
    return { image: hit.tag, commit: src.commit, describe: src.describe, cacheHit: true, seconds: (performance.now() - started) / 1000 };
  }

  const kindVersion = await phases.run('check kind and docker', async () => {
    const v = await kind.requireVersion();
    await docker.requireDaemon();
    return v;
  });

  const worktree = join(store.paths.worktrees, `${src.key}-${process.pid}`);
  const logFile = join(store.paths.logs, `build-${src.key.slice(0, 12)}-${Date.now()}.log`);
  const unlabelled = `${src.image}-kindlab-unlabelled`;
  const buildContainersBefore = new Set(await docker.containersNamed('kind-build-'));
  try {
    await phases.run('check out worktree', async () => {
      if (existsSync(worktree)) await git.removeWorktree(worktree);
      await git.addWorktree(worktree, src.commit);
      if (src.patch) await git.applyPatch(worktree, src.patch);
    });
    phases.note(`build log: ${logFile}`);
    await phases.run(`kind build node-image (kind ${kindVersion})`, () => kind.buildNodeImage(worktree, unlabelled, logFile));
    await phases.run('label image', async () => {
      await docker.labelImage(unlabelled, src.image, {
        [LABEL_MANAGED]: 'true',
        [LABEL_COMMIT]: src.commit,
        [LABEL_DESCRIBE]: src.describe,
        [LABEL_KUBE_ROOT]: req.kubeRoot.path,
      });
      await docker.removeImage(unlabelled);
    });
  } catch (e) {
    // kind leaves its build container behind when it is killed; remove only the new ones.
    const leftovers = (await docker.containersNamed('kind-build-')).filter((c) => !buildContainersBefore.has(c));
    await docker.removeContainers(leftovers);
    await docker.removeImage(unlabelled);
    throw e;
  } finally {
    await git.removeWorktree(worktree);
    rmSync(worktree, { recursive: true, force: true });
  }

  const seconds = (performance.now() - started) / 1000;
  if (!deps.dryRun) {
    const rec: ImageRecord = {
      kind: 'node-image',
      tag: src.image,
      commit: src.key,
      describe: src.describe,
      kubeRoot: req.kubeRoot.path,
      builtAt: new Date().toISOString(),
      buildSeconds: Math.round(seconds),
      kindVersion,
    };
    await store.lock(() => store.saveImage(rec));
  }
  return { image: src.image, commit: src.commit, describe: src.describe, cacheHit: false, logFile, seconds };
}

/** A recorded image still present in docker with kindlab's commit label. */
async function cachedImage(store: StateStore, docker: Docker, src: ResolvedSource): Promise<ImageRecord | undefined> {
  const rec = store.getImage('node-image', src.key);
  if (!rec) return undefined;
  const info = await docker.imageInfo(rec.tag);
  if (!info || info.labels[LABEL_COMMIT] !== src.commit) return undefined;
  return rec;
}
