// The local provider's checks on a binaries folder, with real processes: stand-in executables
// that print a version the way Kubernetes binaries do.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkBinaries, LocalProvider } from '../../src/cluster/local/provider.js';
import { emptyProfile } from '../../src/cluster/profile.js';
import { EnvironmentError } from '../../src/errors.js';
import { ExecaRunner } from '../../src/exec/runner.js';
import { StateStore } from '../../src/state/store.js';
import { silentLogger } from '../../src/util/logger.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function binDir(versions: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'kl-bins-'));
  dirs.push(dir);
  for (const [name, v] of Object.entries(versions)) {
    const f = join(dir, name);
    writeFileSync(f, name === 'etcd' ? `#!/bin/sh\necho "etcd Version: ${v}"\n` : `#!/bin/sh\necho "Kubernetes ${v}"\n`);
    chmodSync(f, 0o755);
  }
  return dir;
}

const runner = new ExecaRunner();
const ALL = ['etcd', 'kube-apiserver', 'kube-controller-manager'] as const;

describe('checkBinaries', () => {
  it('returns the API server version when the set is one minor (etcd excluded)', async () => {
    const dir = binDir({ etcd: '3.7.0', 'kube-apiserver': 'v1.37.2', 'kube-controller-manager': 'v1.37.1' });
    await expect(checkBinaries(dir, ALL, { runner })).resolves.toBe('v1.37.2');
  });
  it('names a missing binary and how to get it', async () => {
    const dir = binDir({ etcd: '3.7.0', 'kube-apiserver': 'v1.37.2' });
    const err = await checkBinaries(dir, ALL, { runner }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as EnvironmentError).message).toBe(`kube-controller-manager not found in ${dir}`);
    expect((err as EnvironmentError).hint).toMatch(/npm run lab/);
    expect((err as EnvironmentError).hint).toMatch(/kindlab build --components/);
  });
  it('refuses version skew between Kubernetes binaries', async () => {
    const dir = binDir({ etcd: '3.5.10', 'kube-apiserver': 'v1.37.2', 'kube-controller-manager': 'v1.26.15' });
    await expect(checkBinaries(dir, ALL, { runner })).rejects.toThrow(/version skew .*kube-apiserver v1\.37\.2, kube-controller-manager v1\.26\.15/);
  });
  it('says so when a binary prints no version', async () => {
    const dir = binDir({ etcd: '3.7.0', 'kube-apiserver': 'v1.37.2', 'kube-controller-manager': 'v1.37.2' });
    writeFileSync(join(dir, 'kube-apiserver'), '#!/bin/sh\necho hello\n');
    await expect(checkBinaries(dir, ALL, { runner })).rejects.toThrow(/printed no Kubernetes version/);
  });
});

describe('LocalProvider.create preflight', () => {
  it('fails before touching state when a binary is missing', async () => {
    const home = mkdtempSync(join(tmpdir(), 'kl-home-'));
    dirs.push(home);
    const store = new StateStore(home);
    const dir = binDir({ 'kube-apiserver': 'v1.37.2', 'kube-controller-manager': 'v1.37.2' });
    await expect(new LocalProvider().create({ name: 'x', profile: emptyProfile(), build: { runsFrom: 'binaries', binDir: dir } }, { runner, store, log: silentLogger })).rejects.toThrow(/etcd not found/);
    expect(store.listClusters()).toEqual([]);
  });
  it('prints the commands on a dry run and starts nothing', async () => {
    const home = mkdtempSync(join(tmpdir(), 'kl-home-'));
    dirs.push(home);
    const store = new StateStore(home);
    const out: string[] = [];
    const profile = { ...emptyProfile(), featureGates: { Foo: true } };
    await new LocalProvider().create({ name: 'dry', profile, build: { runsFrom: 'binaries', binDir: '/nowhere' } }, { runner, store, log: silentLogger, dryRun: true, print: (t) => out.push(t) });
    expect(out.join('\n')).toMatch(/\/nowhere\/kube-apiserver .*--feature-gates=Foo=true/);
    expect(out.join('\n')).toMatch(/\/nowhere\/etcd --name=kindlab/);
    expect(store.listClusters()).toEqual([]);
  });
});
