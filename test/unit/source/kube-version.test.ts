import { describe, expect, it } from 'vitest';
import { kubeGitVersion, versionLdflags } from '../../../src/source/kube-version.js';

describe('kubeGitVersion', () => {
  it.each([
    ['v1.33.0', 'v1.33.0'],
    ['v1.33.0-5-gabcdef01234567', 'v1.33.0-5+abcdef01234567'],
    ['v1.34.0-rc.1-5-gabcdef01234567', 'v1.34.0-rc.1.5+abcdef01234567'],
    ['v1.34.0-rc.1-5-gabcdef01234567-dirty-0a1b2c3d', 'v1.34.0-rc.1.5+abcdef01234567-dirty-0a1b2c3d'],
    ['v1.33.0-dirty-0a1b2c3d', 'v1.33.0-dirty-0a1b2c3d'],
  ])('%s → %s', (describe, want) => {
    expect(kubeGitVersion(describe)).toBe(want);
  });
  it('has no version for a describe without a release tag', () => {
    expect(kubeGitVersion('abcdef0')).toBeUndefined();
  });
});

describe('versionLdflags', () => {
  it('sets major, minor and the rest in component-base and client-go', () => {
    const flags = versionLdflags({ gitVersion: 'v1.37.2', gitCommit: 'abc', treeState: 'clean', buildDate: '2026-01-01T00:00:00Z' });
    expect(flags).toContain('-X k8s.io/component-base/version.gitMajor=1');
    expect(flags).toContain('-X k8s.io/component-base/version.gitMinor=37');
    expect(flags).toContain('-X k8s.io/client-go/pkg/version.gitVersion=v1.37.2');
    expect(flags).toContain('-X k8s.io/component-base/version.gitTreeState=clean');
  });
});
