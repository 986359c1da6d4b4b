// Git operations on the user's Kubernetes checkout that never touch its working tree, index or
// branches: resolve refs, describe commits, add/remove detached worktrees in kindlab's folder.
import { existsSync } from 'node:fs';
import { UsageError } from '../errors.js';
import type { ProcessRunner } from '../exec/runner.js';
import { refCandidates } from './ref.js';

export class Git {
  constructor(
    private readonly runner: ProcessRunner,
    readonly repo: string,
    private readonly signal?: AbortSignal,
  ) {}

  private async git(args: string[], allowFailure = false, cancellable = true) {
    return this.runner.run('git', ['-C', this.repo, ...args], { allowFailure, signal: cancellable ? this.signal : undefined });
  }

  /** Resolves a tag, branch, remote branch or (short) SHA to a full commit SHA. */
  async resolve(ref: string): Promise<string> {
    if (ref.startsWith('-')) throw new UsageError(`"${ref}" is not a git ref (it starts with "-")`);
    for (const candidate of refCandidates(ref)) {
      const r = await this.git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${candidate}^{commit}`], true);
      if (r.exitCode === 0 && r.stdout.trim()) return r.stdout.trim();
    }
    throw new UsageError(`unknown ref "${ref}" in ${this.repo}`, {
      hint: 'give a tag (v1.33.0), a branch (master), a remote branch (origin/release-1.33) or a commit SHA; run `git fetch --tags` if the tag is new',
    });
  }

  /** Whether `ancestor` is an ancestor of (or the same as) `commit`. */
  async isAncestor(ancestor: string, commit: string): Promise<boolean> {
    return (await this.git(['merge-base', '--is-ancestor', ancestor, commit], true)).exitCode === 0;
  }

  /** The first-parent chain from `from` (excluded) to `to` (included), oldest first. */
  async firstParentChain(from: string, to: string): Promise<string[]> {
    const r = await this.git(['rev-list', '--first-parent', '--ancestry-path', '--reverse', `${from}..${to}`]);
    return r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  }

  /** Files that differ between two commits. */
  async changedFiles(from: string, to: string): Promise<string[]> {
    if (from === to) return [];
    const r = await this.git(['diff', '--name-only', '--no-renames', from, to]);
    return r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  }

  /** Whether the repository has the commit (a cluster built elsewhere may name one it lacks). */
  async hasCommit(commit: string): Promise<boolean> {
    return (await this.git(['cat-file', '-e', `${commit}^{commit}`], true)).exitCode === 0;
  }

  /** A commit's subject line. */
  async subject(commit: string): Promise<string> {
    return (await this.git(['log', '-1', '--format=%s', commit])).stdout.trim();
  }

  /** `git describe --tags --always` of a commit; `dirty` is added by the caller for a dirty tree. */
  async describe(commit: string): Promise<string> {
    const r = await this.git(['describe', '--tags', '--always', '--abbrev=14', commit]);
    return r.stdout.trim();
  }

  /** Whether the user's working tree has uncommitted changes (only relevant when ref is HEAD). */
  async isDirty(): Promise<boolean> {
    const r = await this.git(['status', '--porcelain', '--untracked-files=no']);
    return r.stdout.trim() !== '';
  }

  /** The user's uncommitted changes to tracked files, as a binary patch. */
  async diffHead(): Promise<string> {
    const r = await this.git(['diff', '--binary', 'HEAD']);
    return r.stdout;
  }

  async applyPatch(worktree: string, patch: string): Promise<void> {
    await this.runner.run('git', ['-C', worktree, 'apply', '--binary', '--whitespace=nowarn', '-'], { input: patch, signal: this.signal });
  }

  async addWorktree(path: string, commit: string): Promise<void> {
    await this.git(['worktree', 'add', '--detach', '--force', path, commit]);
  }

  /**
   * Moves a worktree of this repository to `commit`, dropping every change in it (tracked files
   * reset, untracked ones removed). False when `path` is not a worktree of this repository (gone,
   * or left by a checkout since deleted): the caller makes a new one.
   */
  async moveWorktree(path: string, commit: string): Promise<boolean> {
    if (!existsSync(path)) return false;
    const dirOf = async (cwd: string): Promise<string> => (await this.runner.run('git', ['-C', cwd, 'rev-parse', '--path-format=absolute', '--git-common-dir'], { allowFailure: true, signal: this.signal })).stdout.trim();
    const [theirs, ours] = await Promise.all([dirOf(path), dirOf(this.repo)]);
    if (!theirs || theirs !== ours) return false;
    await this.runner.run('git', ['-C', path, 'checkout', '--quiet', '--detach', '--force', commit], { signal: this.signal });
    await this.runner.run('git', ['-C', path, 'clean', '-fdq'], { signal: this.signal });
    return true;
  }

  /** Cleanup: runs even after Ctrl-C, so it ignores the abort signal. */
  async removeWorktree(path: string): Promise<void> {
    await this.git(['worktree', 'remove', '--force', path], true, false);
    await this.git(['worktree', 'prune'], true, false);
  }
}
