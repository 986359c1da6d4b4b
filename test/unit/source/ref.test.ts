import { describe, expect, it } from 'vitest';
import { dockerSafeTag, nodeImageName, refCandidates, versionFromDescribe } from '../../../src/source/ref.js';
import { isKubernetesGoMod } from '../../../src/source/kube-root.js';

describe('refCandidates', () => {
  it('tries tags, branches and remote branches for names', () => {
    expect(refCandidates('v1.33.0')).toEqual(['refs/tags/v1.33.0', 'refs/heads/v1.33.0', 'refs/remotes/v1.33.0', 'v1.33.0']);
    expect(refCandidates('origin/release-1.33')).toContain('refs/remotes/origin/release-1.33');
  });
  it('passes SHAs and HEAD through', () => {
    expect(refCandidates('3f2a1c9')).toEqual(['3f2a1c9']);
    expect(refCandidates('HEAD')).toEqual(['HEAD']);
  });
});

describe('dockerSafeTag', () => {
  it('keeps valid describe output', () => {
    expect(dockerSafeTag('v1.33.0-rc.0-12-gabcdef0123456')).toBe('v1.33.0-rc.0-12-gabcdef0123456');
  });
  it('replaces characters docker refuses', () => {
    expect(dockerSafeTag('v1.33.0+k3s1/x')).toBe('v1.33.0-k3s1-x');
    expect(dockerSafeTag('.hidden')).toBe('v.hidden');
  });
  it('keeps the end (the commit) of very long tags', () => {
    const t = dockerSafeTag(`${'x'.repeat(200)}-gabc123`);
    expect(t.length).toBeLessThanOrEqual(128);
    expect(t.endsWith('-gabc123')).toBe(true);
  });
  it('names node images', () => {
    expect(nodeImageName('v1.33.0-dirty')).toBe('kindlab/node:v1.33.0-dirty');
  });
});

describe('versionFromDescribe / isKubernetesGoMod', () => {
  it('extracts the release', () => {
    expect(versionFromDescribe('v1.34.0-rc.1-5-gabc')).toBe('1.34.0-rc.1');
    expect(versionFromDescribe('v1.33.2')).toBe('1.33.2');
    expect(versionFromDescribe('abc1234')).toBeUndefined();
  });
  it('recognises the Kubernetes module', () => {
    expect(isKubernetesGoMod('// c\nmodule k8s.io/kubernetes\n\ngo 1.24.0\n')).toBe(true);
    expect(isKubernetesGoMod('module k8s.io/kubernetes-fork\n')).toBe(false);
    expect(isKubernetesGoMod('module example.com/x\n')).toBe(false);
  });
});
