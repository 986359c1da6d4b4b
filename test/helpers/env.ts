// Test helpers for the integration tier: real git repositories, real docker, the real kind
// binary. Tests that need docker or kind skip with the reason when they are missing.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const kindlabBin = join(repoRoot, 'bin/kindlab.js');
export const substituteKind = join(repoRoot, 'test/fixtures/substitute-kind/kind');
export const SUBSTITUTE_NODE_IMAGE = 'kindlab-test/node:substitute';

export function has(cmd: string, args: string[] = ['--version']): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

export const dockerUp = has('docker', ['info']);
export const realKind = process.env.REAL_KIND ?? 'kind';
export const kindAvailable = has(realKind, ['version']);
export const whyNoDocker = dockerUp ? '' : 'docker daemon not reachable (run .ci/docker-up.sh)';
export const whyNoKind = kindAvailable ? '' : 'kind not on PATH (go install sigs.k8s.io/kind@v0.33.0)';

/**
 * A tiny local image to stand in for node containers: busybox (from Debian's busybox-static)
 * imported into docker, with `sleep` as its command. Built locally: nothing can be pulled here.
 */
export function ensureSubstituteNodeImage(): void {
  if (spawnSync('docker', ['image', 'inspect', SUBSTITUTE_NODE_IMAGE], { stdio: 'ignore' }).status === 0) return;
  const busybox = ['/bin/busybox', '/usr/bin/busybox'].find((p) => existsSync(p));
  if (!busybox) throw new Error('busybox not found: apt-get install busybox-static');
  const root = mkdtempSync(join(tmpdir(), 'kl-img-'));
  mkdirSync(join(root, 'bin'));
  execFileSync('cp', [busybox, join(root, 'bin/busybox')]);
  for (const l of ['sh', 'sleep', 'cat', 'ls']) execFileSync('ln', ['-s', 'busybox', join(root, 'bin', l)]);
  const tar = spawnSync('tar', ['-C', root, '-c', '.'], { maxBuffer: 64 * 1024 * 1024 });
  execFileSync('docker', ['import', '--change', 'CMD ["/bin/sleep","3600"]', '-', SUBSTITUTE_NODE_IMAGE], { input: tar.stdout });
}

export function tempHome(): string {
  return mkdtempSync(join(tmpdir(), 'kl-home-'));
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real kindlab CLI (built dist) as a child process. */
export function kindlab(args: string[], env: Record<string, string | undefined> = {}, cwd = repoRoot): CliRun {
  const r = spawnSync(process.execPath, [kindlabBin, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', ...env },
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A fake Kubernetes checkout: a real git repository with tags, branches and a remote. */
export function makeKubeRepo(): { dir: string; commits: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'kl-kube-'));
  const git = (...a: string[]) => execFileSync('git', ['-C', dir, ...a], { encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z' } }).trim();
  git('init', '-q', '-b', 'master');
  git('config', 'user.email', 't@example.com');
  git('config', 'user.name', 'test');
  writeFileSync(join(dir, 'go.mod'), 'module k8s.io/kubernetes\n\ngo 1.24.0\n');
  writeFileSync(join(dir, 'README.md'), 'one\n');
  git('add', '.');
  git('commit', '-qm', 'one');
  git('tag', '-a', 'v1.33.0', '-m', 'v1.33.0');
  const one = git('rev-parse', 'HEAD');
  writeFileSync(join(dir, 'README.md'), 'two\n');
  git('commit', '-qam', 'two');
  const two = git('rev-parse', 'HEAD');
  git('branch', 'release-1.33', one);
  // A remote-tracking branch, as after `git fetch origin`.
  git('update-ref', 'refs/remotes/origin/feature-x', two);
  return { dir, commits: { one, two } };
}

export function gitOut(dir: string, ...a: string[]): string {
  return execFileSync('git', ['-C', dir, ...a], { encoding: 'utf8' }).trim();
}

export function docker(...a: string[]): string {
  return execFileSync('docker', a, { encoding: 'utf8' }).trim();
}
