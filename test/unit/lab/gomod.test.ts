import { describe, expect, it } from 'vitest';
import { etcdWrapper, kubernetesWrapper, lowerPatches, parseGoMod, splitJsonStream, stagingModules, stagingVersion, supportsToolDirective } from '../../../src/lab/gomod.js';

const K8S_MOD = `// This is a generated file. Do not edit directly.

module k8s.io/kubernetes

go 1.26.0

godebug default=go1.26

require (
	github.com/blang/semver/v4 v4.0.0
	k8s.io/api v0.0.0
	k8s.io/apimachinery v0.0.0
	k8s.io/client-go v0.0.0
	k8s.io/klog/v2 v2.130.1
	k8s.io/kms v0.0.0 // indirect
)

require k8s.io/streaming v0.0.0

replace (
	k8s.io/api => ./staging/src/k8s.io/api
	k8s.io/sample-controller => ./staging/src/k8s.io/sample-controller
)
`;

describe('parseGoMod', () => {
  it('reads module, go, godebug and requires from blocks and single lines', () => {
    const m = parseGoMod(K8S_MOD);
    expect(m.module).toBe('k8s.io/kubernetes');
    expect(m.go).toBe('1.26.0');
    expect(m.godebug).toEqual(['default=go1.26']);
    expect(m.requires).toContainEqual({ path: 'k8s.io/kms', version: 'v0.0.0', indirect: true });
    expect(m.requires).toContainEqual({ path: 'k8s.io/streaming', version: 'v0.0.0', indirect: false });
    expect(m.requires).toHaveLength(7);
  });
  it('flattens godebug blocks', () => {
    expect(parseGoMod('module x\ngodebug (\n\tdefault=go1.21\n\twinsymlink=0\n)\n').godebug).toEqual(['default=go1.21', 'winsymlink=0']);
  });
});

describe('stagingModules', () => {
  it('takes every k8s.io module required at v0.0.0, not replaced-only ones like sample-controller', () => {
    expect(stagingModules(parseGoMod(K8S_MOD))).toEqual(['k8s.io/api', 'k8s.io/apimachinery', 'k8s.io/client-go', 'k8s.io/kms', 'k8s.io/streaming']);
  });
});

describe('stagingVersion', () => {
  it('maps v1.Y.Z to v0.Y.Z, keeping pre-releases', () => {
    expect(stagingVersion('v1.37.2')).toBe('v0.37.2');
    expect(stagingVersion('v1.36.0-rc.1')).toBe('v0.36.0-rc.1');
    expect(() => stagingVersion('v2.0.0')).toThrow(/not a Kubernetes release/);
  });
});

describe('kubernetesWrapper', () => {
  it('uses tool directives for go >= 1.24 and copies godebug', () => {
    const w = kubernetesWrapper('v1.37.2', parseGoMod(K8S_MOD), ['kube-apiserver', 'kubectl']);
    expect(w.toolsGo).toBeUndefined();
    expect(w.goMod).toContain('module kindlab.invalid/lab/kubernetes');
    expect(w.goMod).toContain('\ngo 1.26.0\n');
    expect(w.goMod).toContain('godebug default=go1.26');
    expect(w.goMod).toContain('\tk8s.io/kubernetes v1.37.2');
    expect(w.goMod).toContain('\tk8s.io/api => k8s.io/api v0.37.2');
    expect(w.goMod).toContain('\tk8s.io/streaming => k8s.io/streaming v0.37.2');
    expect(w.goMod).not.toContain('sample-controller');
    expect(w.goMod).toContain('tool (\n\tk8s.io/kubernetes/cmd/kube-apiserver\n\tk8s.io/kubernetes/cmd/kubectl\n)');
    // What go would parse back
    const back = parseGoMod(w.goMod);
    expect(back.requires).toEqual([{ path: 'k8s.io/kubernetes', version: 'v1.37.2', indirect: false }]);
  });
  it('falls back to a tools.go file for old go lines', () => {
    const old = parseGoMod('module k8s.io/kubernetes\n\ngo 1.19\n\nrequire k8s.io/api v0.0.0\n');
    const w = kubernetesWrapper('v1.26.15', old, ['kube-apiserver']);
    expect(w.goMod).toContain('\ngo 1.19\n');
    expect(w.goMod).not.toContain('tool');
    expect(w.toolsGo).toContain('//go:build tools');
    expect(w.toolsGo).toContain('_ "k8s.io/kubernetes/cmd/kube-apiserver"');
  });
});

describe('etcdWrapper / supportsToolDirective', () => {
  it('requires the etcd server module', () => {
    const w = etcdWrapper('v3.7.0', parseGoMod('module go.etcd.io/etcd/server/v3\n\ngo 1.26\n'));
    expect(w.goMod).toContain('\tgo.etcd.io/etcd/server/v3 v3.7.0');
    expect(w.goMod).toContain('tool (\n\tgo.etcd.io/etcd/server/v3\n)');
    expect(etcdWrapper('v3.5.10', parseGoMod('module x\ngo 1.19\n')).toolsGo).toContain('go.etcd.io/etcd/server/v3');
  });
  it('knows the tool directive starts at go 1.24', () => {
    expect(supportsToolDirective('1.24')).toBe(true);
    expect(supportsToolDirective('1.24.0')).toBe(true);
    expect(supportsToolDirective('1.23.4')).toBe(false);
    expect(supportsToolDirective('1.19')).toBe(false);
  });
});

describe('splitJsonStream / lowerPatches / overrides', () => {
  it('splits concatenated objects, braces in strings included', () => {
    const text = '{\n\t"Path": "a",\n\t"Error": {"Err": "x } {"}\n}\n{\n\t"Path": "b\\"}",\n\t"Version": "v1"\n}\n';
    expect(splitJsonStream(text)).toEqual([{ Path: 'a', Error: { Err: 'x } {' } }, { Path: 'b"}', Version: 'v1' }]);
  });
  it('lists lower patches nearest first', () => {
    expect(lowerPatches('v0.26.3')).toEqual(['v0.26.2', 'v0.26.1', 'v0.26.0']);
    expect(lowerPatches('v0.26.0')).toEqual([]);
  });
  it('replaces a staging module with a substitute version', () => {
    const w = kubernetesWrapper('v1.37.2', parseGoMod(K8S_MOD), ['kubectl'], { 'k8s.io/kms': 'v0.37.1' });
    expect(w.goMod).toContain('\tk8s.io/kms => k8s.io/kms v0.37.1');
    expect(w.goMod).toContain('\tk8s.io/api => k8s.io/api v0.37.2');
  });
});
