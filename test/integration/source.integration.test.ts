// Real git: ref resolution, describe, dirty trees and kube-root validation against
// repositories the test creates.
import { existsSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExecaRunner } from '../../src/exec/runner.js';
import { Git } from '../../src/source/git.js';
import { resolveSource } from '../../src/source/build-image.js';
import { UsageError } from '../../src/errors.js';
import { gitOut, kindlab, makeKubeRepo, tempHome } from '../helpers/env.js';

const runner = new ExecaRunner();
const kubeRoot = (dir: string) => ({ path: dir, from: '--kube-root' });

describe('resolving refs in a real Kubernetes-shaped git repository', () => {
  const { dir, commits } = makeKubeRepo();
  const git = new Git(runner, dir);

  it.each([
    ['a tag', 'v1.33.0', 'one'],
    ['a local branch', 'release-1.33', 'one'],
    ['a remote branch', 'origin/feature-x', 'two'],
    ['HEAD', 'HEAD', 'two'],
  ])('resolves %s', async (_what, ref, which) => {
    expect(await git.resolve(ref)).toBe(commits[which]);
  });

  it('resolves full and short SHAs', async () => {
    expect(await git.resolve(commits.one!)).toBe(commits.one);
    expect(await git.resolve(commits.one!.slice(0, 9))).toBe(commits.one);
  });

  it('rejects an unknown ref with a usage error and a hint', async () => {
    await expect(git.resolve('v9.9.9')).rejects.toThrow(/unknown ref "v9.9.9"/);
    await expect(git.resolve('--upload-pack=evil')).rejects.toBeInstanceOf(UsageError);
  });

  it('describes commits the way the image tag needs', async () => {
    const one = await resolveSource({ kubeRoot: kubeRoot(dir), ref: 'v1.33.0' }, git);
    expect(one).toMatchObject({ commit: commits.one, describe: 'v1.33.0', image: 'kindlab/node:v1.33.0', key: commits.one });
    const two = await resolveSource({ kubeRoot: kubeRoot(dir), ref: 'master' }, git);
    expect(two.describe).toMatch(/^v1\.33\.0-1-g[0-9a-f]{14}$/);
  });

  it('carries uncommitted changes into HEAD builds and tags them dirty', async () => {
    const repo = makeKubeRepo();
    writeFileSync(join(repo.dir, 'README.md'), 'local change\n');
    const src = await resolveSource({ kubeRoot: kubeRoot(repo.dir), ref: 'HEAD' }, new Git(runner, repo.dir));
    expect(src.describe).toMatch(/-dirty-[0-9a-f]{8}$/);
    expect(src.key).toMatch(new RegExp(`^${repo.commits.two}-dirty-`));
    expect(src.patch).toContain('+local change');
    // A named ref is the commit as committed: no dirty suffix.
    const named = await resolveSource({ kubeRoot: kubeRoot(repo.dir), ref: 'master' }, new Git(runner, repo.dir));
    expect(named.patch).toBeUndefined();
    expect(gitOut(repo.dir, 'status', '--porcelain')).toBe('M README.md');
  });
});

describe('kube-root validation through the CLI', () => {
  const home = tempHome();
  it('explains a missing checkout', () => {
    const r = kindlab(['build', '--kube-root', '/nonexistent/kubernetes'], { KINDLAB_HOME: home });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Kubernetes checkout \/nonexistent\/kubernetes \(from --kube-root\) does not exist/);
    expect(r.stderr).toMatch(/hint: pass --kube-root/);
  });
  it('explains a directory that is not a git checkout', () => {
    const d = mkdtempSync(join(tmpdir(), 'kl-notgit-'));
    const r = kindlab(['build'], { KINDLAB_HOME: home, KUBE_ROOT: d });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\(from \$KUBE_ROOT\) is not a git checkout/);
  });
  it('explains a git repository that is not Kubernetes', () => {
    const { dir } = makeKubeRepo();
    writeFileSync(join(dir, 'go.mod'), 'module example.com/other\n');
    const r = kindlab(['build'], { KINDLAB_HOME: home, KUBE_ROOT: undefined }, dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\(from the current directory\) is not a Kubernetes checkout/);
  });
  it('reports an unknown ref with exit code 2', () => {
    const { dir } = makeKubeRepo();
    const r = kindlab(['build', 'no-such-tag', '--kube-root', dir], { KINDLAB_HOME: home });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown ref "no-such-tag"/);
  });
});

describe('a kept worktree moved from commit to commit (what reload builds in)', () => {
  it('moves to another commit dropping edits and untracked files; a worktree of another repository, or none, is not moved', async () => {
    const { dir, commits } = makeKubeRepo();
    const git = new Git(runner, dir);
    const tree = join(mkdtempSync(join(tmpdir(), 'kl-wt-')), 'tree');
    expect(await git.moveWorktree(tree, commits.two!)).toBe(false);
    await git.addWorktree(tree, commits.one!);
    writeFileSync(join(tree, 'README.md'), 'edited by a patch\n');
    writeFileSync(join(tree, 'added.go'), 'package added\n');
    expect(await git.moveWorktree(tree, commits.two!)).toBe(true);
    expect(readFileSync(join(tree, 'README.md'), 'utf8')).toBe('two\n');
    expect(existsSync(join(tree, 'added.go'))).toBe(false);
    expect(gitOut(tree, 'rev-parse', 'HEAD')).toBe(commits.two);

    const other = new Git(runner, makeKubeRepo().dir);
    expect(await other.moveWorktree(tree, commits.one!)).toBe(false);
    expect(gitOut(tree, 'rev-parse', 'HEAD')).toBe(commits.two);
  });
});
