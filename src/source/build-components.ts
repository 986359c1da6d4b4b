// `kindlab build --components`: builds kube-apiserver, kube-controller-manager and kube-scheduler
// from the checkout at a ref (in a detached worktree, with the checkout's own go.mod), stamps
// their version, and finds an etcd to go with them. The result feeds `up --provider local`.
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { EnvironmentError } from '../errors.js';
import type { ProcessRunner } from '../exec/runner.js';
import type { StateStore } from '../state/store.js';
import type { ImageRecord } from '../state/records.js';
import type { Phases } from '../util/phases.js';
import { resolveSource, type BuildRequest } from './build-image.js';
import { Git } from './git.js';
import { withLock } from '../state/lock.js';
import { kubeGitVersion, versionLdflags } from './kube-version.js';
import { buildInTree, treeToolchain } from './go-build.js';

export const COMPONENTS = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'] as const;

export interface ComponentsRequest extends BuildRequest {
  /** An etcd binary to use instead of searching PATH and third_party/etcd. */
  etcd?: string;
}

export interface ComponentsResult {
  binDir: string;
  commit: string;
  describe: string;
  gitVersion: string;
  cacheHit: boolean;
  etcd: string;
  logFile?: string;
}

export async function buildComponents(
  req: ComponentsRequest,
  deps: { runner: ProcessRunner; store: StateStore; phases: Phases; signal?: AbortSignal; env: NodeJS.ProcessEnv },
): Promise<ComponentsResult> {
  const started = performance.now();
  const { store, phases, signal } = deps;
  const git = new Git(deps.runner, req.kubeRoot.path, signal);
  const src = await phases.run('resolve ref', () => resolveSource(req, git));
  const gitVersion = kubeGitVersion(src.describe) ?? 'v0.0.0-kindlab';
  phases.note(`${req.ref} → ${src.commit.slice(0, 12)} (${src.describe}), binaries report ${gitVersion}`);
  store.ensure();
  const binDir = join(store.paths.root, 'components', src.key, 'bin');

  const etcd = await findEtcd(req, deps.env);
  // One build per commit at a time; a concurrent build of the same commit waits, then hits the cache.
  return withLock(join(store.paths.root, 'locks', `components-${src.key}.lock`), async () => {
  const done = store.getImage('components', src.key);
  if (done && !req.force && COMPONENTS.every((c) => existsSync(join(binDir, c)))) {
    linkEtcd(etcd, binDir);
    phases.note(`cache hit: components for this commit were built on ${done.builtAt} (use --force to rebuild)`);
    return { binDir, commit: src.commit, describe: src.describe, gitVersion, cacheHit: true, etcd };
  }

  const worktree = join(store.paths.worktrees, `components-${src.key}-${process.pid}`);
  const scratch = `${worktree}.tmp`;
  const logFile = join(store.paths.logs, `components-${src.key.slice(0, 12)}-${Date.now()}.log`);
  mkdirSync(binDir, { recursive: true });
  try {
    await phases.run('check out worktree', async () => {
      mkdirSync(scratch, { recursive: true });
      if (existsSync(worktree)) await git.removeWorktree(worktree);
      await git.addWorktree(worktree, src.commit);
      if (src.patch) await git.applyPatch(worktree, src.patch);
    });
    phases.note(`build log: ${logFile}`);
    const ldflags = ['-s', '-w', ...versionLdflags({ gitVersion, gitCommit: src.commit, treeState: src.patch ? 'dirty' : 'clean', buildDate: new Date().toISOString().replace(/\.\d+Z$/, 'Z') })].join(' ');
    // The same Go and flags as the node-image builder (src/source/go-build.ts), so the two share
    // Go's build cache: a bisect step after a node-image build of a nearby commit recompiles
    // only what changed. Go's work folder is beside the worktree and removed with it.
    const toolchain = treeToolchain(worktree, deps.env);
    await phases.run(`go build ${COMPONENTS.join(', ')} with ${toolchain.reason}`, () =>
      buildInTree({ tree: worktree, packages: COMPONENTS.map((c) => `./cmd/${c}`), out: binDir + '/', ldflags, tmpDir: scratch, logFile }, { runner: deps.runner, env: deps.env, signal }),
    );
  } catch (e) {
    rmSync(join(store.paths.root, 'components', src.key), { recursive: true, force: true });
    throw e;
  } finally {
    await git.removeWorktree(worktree);
    rmSync(worktree, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  }
  linkEtcd(etcd, binDir);
  const rec: ImageRecord = {
    kind: 'components',
    tag: `components ${gitVersion}`,
    commit: src.key,
    describe: src.describe,
    kubeRoot: req.kubeRoot.path,
    builtAt: new Date().toISOString(),
    buildSeconds: Math.round((performance.now() - started) / 1000),
    binDir,
  };
  await store.lock(() => store.saveImage(rec));
  return { binDir, commit: src.commit, describe: src.describe, gitVersion, cacheHit: false, etcd, logFile };
  }, { timeoutMs: 3 * 60 * 60 * 1000, signal, onWait: (pid) => phases.note(`waiting for another kindlab (pid ${pid}) building the same commit`) });
}

/** etcd from --etcd, else PATH, else the checkout's third_party/etcd (hack/install-etcd.sh puts it there). */
export async function findEtcd(req: ComponentsRequest, env: NodeJS.ProcessEnv): Promise<string> {
  if (req.etcd) {
    if (!existsSync(req.etcd)) throw new EnvironmentError(`--etcd ${req.etcd} does not exist`);
    return req.etcd;
  }
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const p = join(dir, 'etcd');
    if (existsSync(p)) return p;
  }
  const thirdParty = join(req.kubeRoot.path, 'third_party', 'etcd', 'etcd');
  if (existsSync(thirdParty)) return thirdParty;
  throw new EnvironmentError('no etcd found for the local control plane', {
    hint: 'pass --etcd /path/to/etcd, put etcd on PATH, run hack/install-etcd.sh in the checkout (third_party/etcd), or use the etcd that `npm run lab` builds',
  });
}

function linkEtcd(etcd: string, binDir: string): void {
  const target = join(binDir, 'etcd');
  if (etcd === target) return;
  rmSync(target, { force: true });
  copyFileSync(etcd, target);
  chmodSync(target, 0o755);
}
