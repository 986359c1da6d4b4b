// Binaries compiled from the checkout at a ref, cached by commit: a detached worktree in kindlab's
// state folder (the user's checkout is never touched; uncommitted changes of HEAD are carried in
// as a patch), one build per commit at a time, the tree's own Go and the one flag set of every tree
// build (src/source/go-build.ts). The local provider's components and the upstream test binaries
// are two uses of it; a node image has its own (it ends in kind, not in a folder of binaries).
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProcessRunner } from '../exec/runner.js';
import type { StateStore } from '../state/store.js';
import type { ImageKind, ImageRecord } from '../state/records.js';
import type { Phases } from '../util/phases.js';
import { resolveSource, type BuildRequest } from './build-image.js';
import { Git } from './git.js';
import { withLock } from '../state/lock.js';
import { writeFileAtomic } from '../state/atomic.js';
import { kubeGitVersion, versionLdflags } from './kube-version.js';
import { treeToolchain } from './go-build.js';

export interface RefBuild {
  /** The record kind and the cache folder's name. */
  kind: Exclude<ImageKind, 'node-image'>;
  /**
   * Keep one worktree of this kind between builds and move it to each commit instead of checking
   * out a new one (for builds that follow each other on one checkout, like reloads).
   */
  keepTree?: boolean;
  /** What the build makes, by file name in the output folder (all present = a cache hit). */
  outputs: readonly string[];
  /** Compiles into `binDir` from `tree`; Go's work folder is `tmpDir`. */
  compile(b: { tree: string; binDir: string; ldflags: string; tmpDir: string; logFile: string; toolchain: string }, deps: RefBuildDeps): Promise<void>;
}

export interface RefBuildDeps {
  runner: ProcessRunner;
  store: StateStore;
  phases: Phases;
  signal?: AbortSignal;
  env: NodeJS.ProcessEnv;
  /** --dry-run: the runner prints the checkout and compile commands; nothing is locked, made or recorded. */
  dryRun?: boolean;
}

export interface RefBuildResult {
  binDir: string;
  commit: string;
  describe: string;
  /** The version the binaries report. */
  gitVersion: string;
  cacheHit: boolean;
  logFile?: string;
  /** The uncommitted changes built with `commit` (HEAD of a dirty tree). */
  patch?: string;
}

const LOCK_TIMEOUT_MS = 3 * 60 * 60 * 1000;

/** What an earlier build of the ref left, without building (for `plan`, which has no side effects). */
export async function builtAtRef(req: BuildRequest, what: RefBuild, deps: Pick<RefBuildDeps, 'runner' | 'store' | 'signal'>): Promise<RefBuildResult | undefined> {
  const src = await resolveSource(req, new Git(deps.runner, req.kubeRoot.path, deps.signal));
  const binDir = join(deps.store.paths.root, what.kind, src.key, 'bin');
  if (!deps.store.getImage(what.kind, src.key) || !what.outputs.every((c) => existsSync(join(binDir, c)))) return undefined;
  return { binDir, commit: src.commit, describe: src.describe, gitVersion: kubeGitVersion(src.describe) ?? 'v0.0.0-kindlab', cacheHit: true };
}

export async function buildAtRef(req: BuildRequest, what: RefBuild, deps: RefBuildDeps): Promise<RefBuildResult> {
  const started = performance.now();
  const { store, phases, signal } = deps;
  const git = new Git(deps.runner, req.kubeRoot.path, signal);
  const src = await phases.run('resolve ref', () => resolveSource(req, git));
  const gitVersion = kubeGitVersion(src.describe) ?? 'v0.0.0-kindlab';
  phases.note(`${req.ref} → ${src.commit.slice(0, 12)} (${src.describe}), binaries report ${gitVersion}`);
  const binDir = join(store.paths.root, what.kind, src.key, 'bin');
  const base = { binDir, commit: src.commit, describe: src.describe, gitVersion, patch: src.patch };
  if (deps.dryRun) {
    const worktree = join(store.paths.worktrees, `${what.kind}-${src.key}`);
    await git.addWorktree(worktree, src.commit);
    const ldflags = versionLdflags({ gitVersion, gitCommit: src.commit, treeState: src.patch ? 'dirty' : 'clean', buildDate: '<now>' }).join(' ');
    await what.compile({ tree: worktree, binDir, ldflags: `-s -w ${ldflags}`, tmpDir: tmpdir(), logFile: join(store.paths.logs, `${what.kind}.log`), toolchain: 'the tree\'s Go' }, deps);
    return { ...base, cacheHit: false };
  }
  store.ensure();

  // A concurrent build of the same commit waits, then hits the cache.
  return withLock(join(store.paths.root, 'locks', `${what.kind}-${src.key}.lock`), async () => {
    const done = store.getImage(what.kind, src.key);
    if (done && !req.force && what.outputs.every((c) => existsSync(join(binDir, c)))) {
      phases.note(`cache hit: ${what.outputs.join(', ')} of this commit were built on ${done.builtAt} (use --force to rebuild)`);
      return { ...base, cacheHit: true };
    }
    // A kept tree is moved from commit to commit (only the files that differ are written: a fresh
    // Kubernetes worktree is 25,000 files, 2–13 s here); one build at a time uses it.
    const worktree = join(store.paths.worktrees, what.keepTree ? `${what.kind}-tree` : `${what.kind}-${src.key}-${process.pid}`);
    const tmpDir = `${worktree}.tmp`;
    const logFile = join(store.paths.logs, `${what.kind}-${src.key.slice(0, 12)}-${Date.now()}.log`);
    const inTree = <T>(fn: () => Promise<T>): Promise<T> =>
      what.keepTree ? withLock(join(store.paths.root, 'locks', `${what.kind}-tree.lock`), fn, { timeoutMs: LOCK_TIMEOUT_MS, signal, onWait: (pid) => phases.note(`waiting for another kindlab (pid ${pid}) using the ${what.kind} worktree`) }) : fn();
    mkdirSync(binDir, { recursive: true });
    await inTree(async () => {
      let keep = Boolean(what.keepTree);
      try {
        const moved = keep && (await git.moveWorktree(worktree, src.commit));
        await phases.run(moved ? 'move the kept worktree to the commit' : 'check out worktree', async () => {
          mkdirSync(tmpDir, { recursive: true });
          if (!moved) {
            if (existsSync(worktree)) await git.removeWorktree(worktree);
            rmSync(worktree, { recursive: true, force: true });
            await git.addWorktree(worktree, src.commit);
          }
          if (src.patch) await git.applyPatch(worktree, src.patch);
        });
        phases.note(`build log: ${logFile}`);
        const ldflags = ['-s', '-w', ...versionLdflags({ gitVersion, gitCommit: src.commit, treeState: src.patch ? 'dirty' : 'clean', buildDate: new Date().toISOString().replace(/\.\d+Z$/, 'Z') })].join(' ');
        await what.compile({ tree: worktree, binDir, ldflags, tmpDir, logFile, toolchain: treeToolchain(worktree, deps.env).reason }, deps);
      } catch (e) {
        keep = false; // a tree left half-way (a patch half applied, an interrupted checkout) is not reused
        rmSync(join(store.paths.root, what.kind, src.key), { recursive: true, force: true });
        throw e;
      } finally {
        if (!keep) {
          await git.removeWorktree(worktree);
          rmSync(worktree, { recursive: true, force: true });
        }
        rmSync(tmpDir, { recursive: true, force: true });
      }
    });
    const rec: ImageRecord = {
      kind: what.kind,
      tag: `${what.kind} ${gitVersion}`,
      commit: src.key,
      describe: src.describe,
      kubeRoot: req.kubeRoot.path,
      builtAt: new Date().toISOString(),
      buildSeconds: Math.round((performance.now() - started) / 1000),
      binDir,
    };
    if (src.patch) writeFileAtomic(store.imagePatchFile(what.kind, src.key), src.patch, 0o600);
    await store.lock(() => store.saveImage(rec));
    return { ...base, cacheHit: false, logFile };
  }, { timeoutMs: LOCK_TIMEOUT_MS, signal, onWait: (pid) => phases.note(`waiting for another kindlab (pid ${pid}) building the same commit`) });
}
