// `kindlab build` with real git and a real docker daemon. The kind step itself runs through the
// SUBSTITUTE kind (test/fixtures/substitute-kind): no node image can be built on this machine
// (no Kubernetes sources or base image can be downloaded), so it docker-tags a local image.
// Everything around it is real: worktrees, labels via docker commit, the cache, cleanup.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  docker,
  dockerUp,
  ensureSubstituteNodeImage,
  gitOut,
  kindAvailable,
  kindlab,
  kindlabBin,
  makeKubeRepo,
  substituteKind,
  tempHome,
  whyNoDocker,
  whyNoKind,
} from '../helpers/env.js';
import { unavailable } from '../helpers/unavailable.js';

const ready = dockerUp && kindAvailable;
const d = describe.skipIf(!ready);
if (!ready) unavailable('kindlab build (integration)', whyNoDocker || whyNoKind);

d('kindlab build --builder source against real git and docker (substitute kind for the image build itself)', () => {
  beforeAll(() => ensureSubstituteNodeImage());

  function setup() {
    const home = tempHome();
    const repo = makeKubeRepo();
    const calls = join(home, 'kind-calls.jsonl');
    writeFileSync(calls, '');
    const env = { KINDLAB_HOME: home, KINDLAB_KIND: substituteKind, SUBSTITUTE_KIND_CALLS: calls };
    const buildCalls = () => readFileSync(calls, 'utf8').split('\n').filter((l) => l.includes('"node-image"')).length;
    return { home, repo, env, buildCalls };
  }

  it('builds a labelled image in a worktree, leaves the user checkout alone, and hits the cache next time', () => {
    const { home, repo, env, buildCalls } = setup();
    const before = { head: gitOut(repo.dir, 'rev-parse', 'HEAD'), branches: gitOut(repo.dir, 'branch', '-a'), status: gitOut(repo.dir, 'status', '--porcelain') };
    const tag = `kindlab/node:v1.33.0`;
    docker('image', 'rm', '-f', tag);

    const first = kindlab(['build', '--builder', 'source', 'v1.33.0', '--kube-root', repo.dir], env);
    expect(first.stderr).toContain('kind build node-image');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout.trim()).toBe(tag);
    expect(first.stderr).toMatch(/build log: .*\/logs\/build-/);
    const labels = JSON.parse(docker('image', 'inspect', '--format', '{{json .Config.Labels}}', tag));
    expect(labels).toMatchObject({ 'io.kindlab.managed': 'true', 'io.kindlab.commit': repo.commits.one, 'io.kindlab.describe': 'v1.33.0' });
    expect(buildCalls()).toBe(1);

    // The user's checkout: same HEAD, branches and status; the worktree is gone.
    expect(gitOut(repo.dir, 'rev-parse', 'HEAD')).toBe(before.head);
    expect(gitOut(repo.dir, 'branch', '-a')).toBe(before.branches);
    expect(gitOut(repo.dir, 'status', '--porcelain')).toBe(before.status);
    expect(gitOut(repo.dir, 'worktree', 'list').split('\n')).toHaveLength(1);
    expect(readdirSync(join(home, 'worktrees'))).toEqual([]);

    const second = kindlab(['build', '--builder', 'source', 'v1.33.0', '--kube-root', repo.dir, '-o', 'json'], env);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ image: tag, cacheHit: true, commit: repo.commits.one });
    expect(second.stderr).toMatch(/cache hit/);
    expect(buildCalls()).toBe(1);

    const forced = kindlab(['build', '--builder', 'source', 'v1.33.0', '--kube-root', repo.dir, '--force'], env);
    expect(forced.code, forced.stderr).toBe(0);
    expect(buildCalls()).toBe(2);
  });

  it('removes only images it built', () => {
    const { repo, env } = setup();
    expect(kindlab(['build', '--builder', 'source', 'v1.33.0', '--kube-root', repo.dir], env).code).toBe(0);
    const foreign = kindlab(['rmi', 'kindlab-test/node:substitute'], env);
    expect(foreign.code).toBe(5);
    expect(foreign.stderr).toMatch(/was not built by kindlab/);
    const rm = kindlab(['rmi', 'kindlab/node:v1.33.0'], env);
    expect(rm.code, rm.stderr).toBe(0);
    expect(() => docker('image', 'inspect', 'kindlab/node:v1.33.0')).toThrow();
    expect(JSON.parse(kindlab(['ls', '-o', 'json'], env).stdout).images).toEqual([]);
  });

  it('rebuilds when the cached image was removed from docker', () => {
    const { repo, env, buildCalls } = setup();
    expect(kindlab(['build', '--builder', 'source', 'release-1.33', '--kube-root', repo.dir], env).code).toBe(0);
    docker('image', 'rm', '-f', 'kindlab/node:v1.33.0');
    const again = kindlab(['build', '--builder', 'source', 'release-1.33', '--kube-root', repo.dir], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toMatch(/cache hit/);
    expect(buildCalls()).toBe(2);
  });

  it('shows the tail of the build log on failure and leaves no worktree or image behind', () => {
    const { home, repo, env } = setup();
    const r = kindlab(['build', '--builder', 'source', 'master', '--kube-root', repo.dir], { ...env, SUBSTITUTE_KIND_FAIL: '1' });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/failed with exit code 1/);
    expect(r.stderr).toContain('| build output line 40');
    expect(r.stderr).not.toContain('| build output line 1\n');
    expect(r.stderr).toMatch(/full log: .*build-.*\.log/);
    expect(readdirSync(join(home, 'worktrees'))).toEqual([]);
    expect(gitOut(repo.dir, 'worktree', 'list').split('\n')).toHaveLength(1);
    expect(readdirSync(join(home, 'images'))).toEqual([]);
  });

  it('prints the exact commands on --dry-run and builds nothing', () => {
    const { home, repo, env, buildCalls } = setup();
    const r = kindlab(['build', '--builder', 'source', 'origin/feature-x', '--kube-root', repo.dir, '--dry-run'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\+ git -C .* worktree add --detach --force .*worktrees\/[0-9a-f]{40}-\d+ [0-9a-f]{40}/);
    expect(r.stdout).toMatch(/\+ .*kind build node-image --type source --image kindlab\/node:v1\.33\.0-1-g[0-9a-f]+-kindlab-unlabelled /);
    expect(buildCalls()).toBe(0);
    expect(existsSync(join(home, 'images'))).toBe(false);
    expect(existsSync(join(home, 'worktrees'))).toBe(false);
  });

  it('prints the go builder\'s commands on --dry-run without kind installed, for the pinned kind version, and says so', () => {
    const { home, repo } = setup();
    const r = kindlab(['build', 'v1.33.0', '--kube-root', repo.dir, '--dry-run'], { KINDLAB_HOME: home, KINDLAB_KIND: join(home, 'no-such-kind') });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/--dry-run: kind is not installed .*printing the commands for kind 0\.33\.0/);
    expect(r.stdout).toMatch(/\+ \(cd .*worktrees\/[0-9a-f]{40}-\d+ && go build -trimpath .* -o .*\/go-bin\/ \.\/cmd\/kubeadm \.\/cmd\/kubelet \.\/cmd\/kubectl \.\/cmd\/kube-apiserver/);
    expect(r.stdout).toMatch(/\+ .*no-such-kind build node-image --type file --image kindlab\/node:v1\.33\.0-kindlab-unlabelled .*kubernetes-server-linux-amd64\.tar\.gz/);
    const old = kindlab(['build', 'v1.33.0', '--kube-root', repo.dir, '--dry-run', '--kind-version', 'v0.27.0'], { KINDLAB_HOME: home, KINDLAB_KIND: join(home, 'no-such-kind') });
    expect(old.code, old.stderr).toBe(0);
    expect(old.stdout).toMatch(/\+ .*no-such-kind build node-image --image kindlab\/node:v1\.33\.0-kindlab-unlabelled .*kubernetes-server-linux-amd64\.tar\.gz/);
    expect(existsSync(join(home, 'images'))).toBe(false);
    expect(existsSync(join(home, 'worktrees'))).toBe(false);
  });

  it('--test-binaries and --components print their checkout and go commands on --dry-run, and make, lock or record nothing', () => {
    const { home, repo, env } = setup();
    const t = kindlab(['build', '--test-binaries', 'v1.33.0', '--kube-root', repo.dir, '--dry-run'], env);
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout).toMatch(/\+ git -C .* worktree add --detach --force .*worktrees\/test-binaries-[0-9a-f]{40} [0-9a-f]{40}/);
    expect(t.stdout).toMatch(/\+ \(cd .*test-binaries-[0-9a-f]{40} && go test -c -trimpath -tags selinux,notest -ldflags .* -o .*\/test-binaries\/[0-9a-f]{40}\/bin\/e2e\.test \.\/test\/e2e\)/);
    const etcd = join(home, 'etcd');
    writeFileSync(etcd, '');
    const c = kindlab(['build', '--components', 'v1.33.0', '--kube-root', repo.dir, '--etcd', etcd, '--dry-run'], env);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toMatch(/\+ \(cd .*components-[0-9a-f]{40} && go build -trimpath .* \.\/cmd\/kube-apiserver \.\/cmd\/kube-controller-manager \.\/cmd\/kube-scheduler\)/);
    for (const d of ['images', 'worktrees', 'test-binaries', 'components', 'locks']) expect(existsSync(join(home, d)), d).toBe(false);
  });

  it('runs one build per commit: a concurrent build of the same commit waits and hits the cache', async () => {
    const { repo, env, buildCalls } = setup();
    docker('image', 'rm', '-f', 'kindlab/node:v1.33.0-1-g' + repo.commits.two!.slice(0, 14));
    const runBuild = () =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const c = spawn(process.execPath, [kindlabBin, 'build', '--builder', 'source', 'master', '--kube-root', repo.dir, '-o', 'json'], {
          env: { ...process.env, ...env, NO_COLOR: '1', SUBSTITUTE_KIND_SLEEP: '2' },
        });
        let out = '';
        c.stdout.on('data', (b: Buffer) => (out += b.toString()));
        c.on('exit', (code) => resolve({ code, out }));
      });
    const results = await Promise.all([runBuild(), runBuild()]);
    expect(results.map((r) => r.code)).toEqual([0, 0]);
    expect(results.map((r) => JSON.parse(r.out).cacheHit).sort()).toEqual([false, true]);
    expect(buildCalls()).toBe(1);
  });

  it('stops the build and removes the worktree on Ctrl-C', async () => {
    const { home, repo, env } = setup();
    const child = spawn(process.execPath, [kindlabBin, 'build', '--builder', 'source', 'master', '--kube-root', repo.dir], {
      env: { ...process.env, ...env, NO_COLOR: '1', SUBSTITUTE_KIND_SLEEP: '60' },
    });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const started = Date.now();
    while (!stderr.includes('kind build node-image') && Date.now() - started < 30_000) await new Promise((r) => setTimeout(r, 100));
    expect(readdirSync(join(home, 'worktrees'))).toHaveLength(1);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code).toBe(130);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(stderr).toMatch(/SIGINT received, cleaning up/);
    expect(readdirSync(join(home, 'worktrees'))).toEqual([]);
    expect(existsSync(join(home, 'images'))).toBe(true);
    expect(readdirSync(join(home, 'images'))).toEqual([]);
    expect(gitOut(repo.dir, 'worktree', 'list').split('\n')).toHaveLength(1);
  });
});
