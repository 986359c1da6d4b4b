// `kindlab build --components` with real git and the real Go toolchain, on a MINIATURE Kubernetes
// checkout: a git repository whose go.mod is `module k8s.io/kubernetes` and whose cmd/kube-*
// mains print k8s.io/component-base's version (the real package, from the Go module proxy). A
// full Kubernetes clone cannot be fetched here; the miniature exercises the same worktree, build
// and version-stamping path.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitOut, has, kindlab, makeKubeRepo, tempHome } from '../helpers/env.js';
import { unavailable } from '../helpers/unavailable.js';

const goOk = has('go', ['version']);

if (!goOk) unavailable('kindlab build --components on a miniature checkout', 'go is not installed');
describe.skipIf(!goOk)('kindlab build --components on a miniature checkout', () => {
  function miniature() {
    const repo = makeKubeRepo();
    const main = `package main\n\nimport (\n\t"fmt"\n\n\t"k8s.io/component-base/version"\n)\n\nfunc main() { fmt.Println("Kubernetes " + version.Get().GitVersion) }\n`;
    for (const c of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) {
      mkdirSync(join(repo.dir, 'cmd', c), { recursive: true });
      writeFileSync(join(repo.dir, 'cmd', c, 'main.go'), main);
    }
    writeFileSync(join(repo.dir, 'go.mod'), 'module k8s.io/kubernetes\n\ngo 1.24.0\n\nrequire k8s.io/component-base v0.37.2\n');
    execFileSync('go', ['mod', 'tidy'], { cwd: repo.dir, stdio: 'ignore' });
    gitOut(repo.dir, 'add', '.');
    gitOut(repo.dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'cmds');
    gitOut(repo.dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'tag', '-a', 'v1.37.0-rc.1', '-m', 'rc');
    const etcdDir = join(repo.dir, 'third_party', 'etcd');
    mkdirSync(etcdDir, { recursive: true });
    writeFileSync(join(etcdDir, 'etcd'), '#!/bin/sh\necho "etcd Version: 3.6.5"\n', { mode: 0o755 });
    return repo;
  }

  it('builds stamped binaries in a worktree, finds etcd in third_party, and caches by commit', () => {
    const repo = miniature();
    const home = tempHome();
    const env = { KINDLAB_HOME: home, PATH: (process.env.PATH ?? '').split(':').filter((p) => !existsSync(join(p, 'etcd'))).join(':') };
    const r = kindlab(['build', '--components', 'v1.37.0-rc.1', '--kube-root', repo.dir, '-o', 'json'], env);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ gitVersion: 'v1.37.0-rc.1', cacheHit: false });
    expect(readdirSync(out.binDir).sort()).toEqual(['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler']);
    const v = spawnSync(join(out.binDir, 'kube-apiserver'), [], { encoding: 'utf8' });
    expect(v.stdout.trim()).toBe('Kubernetes v1.37.0-rc.1');
    expect(gitOut(repo.dir, 'worktree', 'list').split('\n')).toHaveLength(1);
    expect(gitOut(repo.dir, 'status', '--porcelain')).toBe('?? third_party/');

    const again = kindlab(['build', '--components', 'v1.37.0-rc.1', '--kube-root', repo.dir, '-o', 'json'], env);
    expect(JSON.parse(again.stdout)).toMatchObject({ cacheHit: true, binDir: out.binDir });
  }, 240_000);

  it('stamps the distance to the tag like Kubernetes does, and -dirty-<hash of the changes> for uncommitted changes (two edits of one tree report two versions)', () => {
    const repo = miniature();
    writeFileSync(join(repo.dir, 'EXTRA'), 'x');
    gitOut(repo.dir, 'add', 'EXTRA');
    gitOut(repo.dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'extra');
    writeFileSync(join(repo.dir, 'README.md'), 'uncommitted\n');
    const r = kindlab(['build', '--components', 'HEAD', '--kube-root', repo.dir, '-o', 'json', '--etcd', join(repo.dir, 'third_party/etcd/etcd')], { KINDLAB_HOME: tempHome() });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    const v = spawnSync(join(out.binDir, 'kube-scheduler'), [], { encoding: 'utf8' }).stdout.trim();
    expect(v).toMatch(/^Kubernetes v1\.37\.0-rc\.1\.1\+[0-9a-f]{14}-dirty-[0-9a-f]{8}$/);
  }, 240_000);

  it('says where to get etcd when there is none', () => {
    const repo = makeKubeRepo();
    const r = kindlab(['build', '--components', 'master', '--kube-root', repo.dir], { KINDLAB_HOME: tempHome(), PATH: '/usr/bin:/bin' });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/no etcd found/);
    expect(r.stderr).toMatch(/--etcd/);
  });
});
