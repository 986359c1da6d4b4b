// Which files changed between what a cluster runs and the tree to reload from, and which
// components that touches (Go's dependency graph, given here as folders per component).
import { describe, expect, it } from 'vitest';
import { changedFiles, patchSections, touchedComponents } from '../../../src/reload/changed-files.js';
import type { ReloadComponent } from '../../../src/reload/components.js';
import { parseComponents } from '../../../src/reload/components.js';
import { UsageError } from '../../../src/errors.js';

const section = (file: string, line: string): string => `diff --git a/${file} b/${file}\nindex 1..2 100644\n--- a/${file}\n+++ b/${file}\n@@ -1 +1 @@\n-old\n+${line}\n`;

describe('changedFiles', () => {
  it('a file edited before the last reload and not since is not changed; one edited again is', () => {
    const kubelet = section('pkg/kubelet/kubelet.go', 'a log line');
    const apiserver = section('pkg/registry/core/configmap/strategy.go', 'a warning');
    expect(changedFiles([], { commit: 'c', patch: kubelet }, { commit: 'c', patch: kubelet + apiserver })).toEqual(['pkg/registry/core/configmap/strategy.go']);
    expect(changedFiles([], { commit: 'c', patch: kubelet }, { commit: 'c', patch: section('pkg/kubelet/kubelet.go', 'another line') })).toEqual(['pkg/kubelet/kubelet.go']);
  });
  it('a reverted edit is a change back; commits between add their files', () => {
    expect(changedFiles(['cmd/kubelet/app/server.go'], { commit: 'a', patch: section('pkg/kubelet/kubelet.go', 'x') }, { commit: 'b' })).toEqual(['cmd/kubelet/app/server.go', 'pkg/kubelet/kubelet.go']);
  });
  it('a rename counts under both paths', () => {
    const rename = 'diff --git a/pkg/a/x.go b/pkg/b/x.go\nsimilarity index 100%\nrename from pkg/a/x.go\nrename to pkg/b/x.go\n';
    expect([...patchSections(rename).keys()]).toEqual(['pkg/a/x.go', 'pkg/b/x.go']);
  });
});

describe('touchedComponents', () => {
  const dirs = new Map<ReloadComponent, Set<string>>([
    ['kube-apiserver', new Set(['cmd/kube-apiserver', 'pkg/registry/core/configmap', 'staging/src/k8s.io/apiserver/pkg/server'])],
    ['kubelet', new Set(['cmd/kubelet', 'pkg/kubelet'])],
  ]);
  it('a file in a package folder of a component touches it, and only it', () => {
    expect(touchedComponents(['pkg/kubelet/kubelet.go'], dirs)).toEqual([{ component: 'kubelet', because: 'pkg/kubelet/kubelet.go' }]);
    expect(touchedComponents(['pkg/registry/core/configmap/strategy.go'], dirs).map((t) => t.component)).toEqual(['kube-apiserver']);
  });
  it('test files, docs and sub-folders outside the graph touch nothing', () => {
    expect(touchedComponents(['pkg/kubelet/kubelet_test.go', 'README.md', 'pkg/kubelet/cm/x.go'], dirs)).toEqual([]);
  });
  it('the module files and the pinned Go touch every component', () => {
    expect(touchedComponents(['go.mod'], dirs).map((t) => t.component)).toEqual(['kube-apiserver', 'kubelet']);
    expect(touchedComponents(['staging/src/k8s.io/api/go.sum'], dirs)).toHaveLength(2);
    expect(touchedComponents(['.go-version'], dirs)).toHaveLength(2);
  });
});

describe('parseComponents', () => {
  it('keeps the replacement order (control plane before kubelets) and refuses unknown names', () => {
    expect(parseComponents(['kubelet', 'kube-apiserver'])).toEqual(['kube-apiserver', 'kubelet']);
    expect(parseComponents([])).toBeUndefined();
    expect(() => parseComponents(['kube-proxyy'])).toThrow(UsageError);
  });
});
