import { describe, expect, it } from 'vitest';
import {
  buildDate,
  chooseEtcdVersion,
  chooseToolchain,
  compareVersions,
  etcdLdflags,
  kubeadmEtcdVersion,
  kubeLdflags,
  kubeVersionXFlags,
  parseGoVersion,
  parseVersionOutput,
  upstreamGoVersion,
} from '../../../src/lab/versions.js';

describe('kubeVersionXFlags', () => {
  it('stamps six variables in component-base and client-go', () => {
    const flags = kubeVersionXFlags({ gitVersion: 'v1.37.2', gitCommit: 'abc', buildDate: '2026-10-27T12:01:04Z' });
    expect(flags).toHaveLength(12);
    expect(flags).toContain('-X k8s.io/component-base/version.gitVersion=v1.37.2');
    expect(flags).toContain('-X k8s.io/component-base/version.gitMajor=1');
    expect(flags).toContain('-X k8s.io/client-go/pkg/version.gitMinor=37');
    expect(flags).toContain('-X k8s.io/client-go/pkg/version.gitTreeState=clean');
    expect(flags).toContain('-X k8s.io/client-go/pkg/version.buildDate=2026-10-27T12:01:04Z');
    expect(flags.some((f) => f.includes('/vendor/'))).toBe(false);
  });
  it('refuses a version that is not semver (the API server would panic parsing it)', () => {
    expect(() => kubeVersionXFlags({ gitVersion: 'master', gitCommit: 'x', buildDate: 'y' })).toThrow(/non-semver/);
  });
  it('strips symbols and debug info', () => {
    expect(kubeLdflags({ gitVersion: 'v1.26.15', gitCommit: 'c', buildDate: 'd' })).toMatch(/^-s -w -X /);
    expect(etcdLdflags('1234abcd')).toBe('-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=1234abcd');
  });
  it('formats build dates without fractions', () => {
    expect(buildDate('2024-03-14T00:54:25.123Z')).toBe('2024-03-14T00:54:25Z');
  });
});

describe('parseVersionOutput', () => {
  it.each([
    ['Kubernetes v1.37.2\n', 'v1.37.2'],
    ['etcd Version: 3.7.0\nGit SHA: unknown\nGo Version: go1.26.8\n', 'v3.7.0'],
    ['Client Version: v1.26.15\nKustomize Version: v4.5.7\n', 'v1.26.15'],
    ['Client Version: version.Info{Major:"1", Minor:"24", GitVersion:"v1.24.17", GitCommit:"22a9682c"}', 'v1.24.17'],
    ['Kubernetes v0.0.0-master+$Format:%H$', 'v0.0.0-master+$Format:%H$'],
  ])('%j → %s', (out, v) => expect(parseVersionOutput(out)).toBe(v));
  it('returns undefined for noise', () => expect(parseVersionOutput('unknown flag')).toBeUndefined());
});

describe('kubeadmEtcdVersion', () => {
  it('reads DefaultEtcdVersion', () => {
    expect(kubeadmEtcdVersion('\t// DefaultEtcdVersion ...\n\tDefaultEtcdVersion = "3.7.0-0"\n')).toBe('v3.7.0');
    expect(kubeadmEtcdVersion('DefaultEtcdVersion = "3.5.10-0"')).toBe('v3.5.10');
    expect(kubeadmEtcdVersion('nothing')).toBeUndefined();
  });
});

describe('chooseEtcdVersion', () => {
  const proxy = ['v3.5.6', 'v3.5.9', 'v3.5.11', 'v3.6.0', 'v3.6.5', 'v3.7.0-rc.0', 'v3.7.0', 'v3.7.3'];
  it('takes the exact version when the proxy has it', () => {
    expect(chooseEtcdVersion('v3.7.0', proxy)).toMatchObject({ version: 'v3.7.0', exact: true });
  });
  it('otherwise the highest same-minor release below it, else the lowest above', () => {
    expect(chooseEtcdVersion('v3.5.10', proxy)).toMatchObject({ version: 'v3.5.9', exact: false });
    expect(chooseEtcdVersion('v3.5.2', proxy)).toMatchObject({ version: 'v3.5.6', exact: false });
    expect(chooseEtcdVersion('v3.6.4', proxy)?.reason).toMatch(/does not have/);
  });
  it('never crosses a minor and ignores pre-releases', () => {
    expect(chooseEtcdVersion('v3.4.13', proxy)).toBeUndefined();
    expect(chooseEtcdVersion('v3.8.0', ['v3.8.0-alpha.1'])).toBeUndefined();
  });
});

describe('chooseToolchain', () => {
  it('uses the local go for a current release', () => {
    expect(chooseToolchain('1.26.8', '1.26.10', '1.26.0').gotoolchain).toBeUndefined();
    expect(chooseToolchain('1.26.8', '1.25.5', '1.25.0').gotoolchain).toBeUndefined();
  });
  it("fetches an old release's own Go", () => {
    expect(chooseToolchain('1.26.8', '1.21.8', '1.19')).toMatchObject({ gotoolchain: 'go1.21.8' });
    expect(chooseToolchain('1.26.8', '1.20.7', '1.19').gotoolchain).toBe('go1.20.7');
  });
  it('fetches a newer Go when the release needs one', () => {
    expect(chooseToolchain('1.26.8', '1.27.1', '1.27.0').gotoolchain).toBe('go1.27.1');
  });
  it('honours an override', () => {
    expect(chooseToolchain('1.26.8', '1.21.8', '1.19', 'local').gotoolchain).toBeUndefined();
    expect(chooseToolchain('1.26.8', '1.21.8', '1.19', '1.22.12').gotoolchain).toBe('go1.22.12');
  });
  it('parses go version output', () => {
    expect(parseGoVersion('go version go1.26.8 linux/amd64')).toBe('1.26.8');
  });
});

describe('compareVersions', () => {
  it('orders releases and pre-releases', () => {
    expect(['v1.26.15', 'v1.37.2', 'v1.37.0-rc.1', 'v1.37.0'].sort(compareVersions)).toEqual(['v1.26.15', 'v1.37.0-rc.1', 'v1.37.0', 'v1.37.2']);
  });
});

describe('upstreamGoVersion', () => {
  it('reads .go-version, else the cross build image version', () => {
    expect(upstreamGoVersion('1.26.10\n', undefined)).toBe('1.26.10');
    expect(upstreamGoVersion(undefined, 'v1.24.0-go1.20.7-bullseye.0\n')).toBe('1.20.7');
    expect(upstreamGoVersion('', 'v1.23.0-go1.17.8-bullseye.0')).toBe('1.17.8');
    expect(upstreamGoVersion(undefined, undefined)).toBeUndefined();
  });
});
