import { describe, expect, it } from 'vitest';
import { dirtyHash, planReload } from '../../../src/reload/plan.js';
import { RELOADABLE, type ReloadComponent } from '../../../src/reload/components.js';

const graph = new Map<ReloadComponent, Set<string>>([
  ['kube-apiserver', new Set(['cmd/kube-apiserver', 'pkg/registry/core/configmap', 'staging/src/k8s.io/apiserver/pkg/server'])],
  ['kubelet', new Set(['cmd/kubelet', 'pkg/kubelet'])],
]);
const patch = (file: string, body: string): string => `diff --git a/${file} b/${file}\n--- a/${file}\n+++ b/${file}\n@@ -1 +1 @@\n-${body}\n+${body}!\n`;

describe('planReload', () => {
  const base = { before: { commit: 'a', describe: 'v1.37.2', patchKnown: true }, after: { commit: 'a', describe: 'v1.37.2-dirty-0a1b2c3d' } };

  it('replaces what an uncommitted edit touches, in the order they are replaced, saying which file', () => {
    const p = planReload({ ...base, after: { ...base.after, patch: patch('pkg/kubelet/kubelet.go', 'x') }, commitDiff: [], packageDirs: graph, runs: RELOADABLE });
    expect(p.components).toEqual(['kubelet']);
    expect(p.because).toEqual([{ component: 'kubelet', because: 'pkg/kubelet/kubelet.go' }]);
  });

  it('a file edited before the last reload and not since is no change', () => {
    const same = patch('pkg/kubelet/kubelet.go', 'x');
    const p = planReload({ ...base, before: { ...base.before, patch: same }, after: { ...base.after, patch: same + patch('pkg/registry/core/configmap/strategy.go', 'y') }, commitDiff: [], packageDirs: graph, runs: RELOADABLE });
    expect(p.components).toEqual(['kube-apiserver']);
  });

  it('commits between the two trees count, module files touch everything, test files nothing', () => {
    expect(planReload({ ...base, commitDiff: ['pkg/kubelet/kubelet_test.go'], packageDirs: graph, runs: RELOADABLE }).components).toEqual([]);
    expect(planReload({ ...base, commitDiff: ['go.mod'], packageDirs: graph, runs: RELOADABLE }).components).toEqual(['kube-apiserver', 'kubelet']);
    expect(planReload({ ...base, commitDiff: ['docs/README.md'], packageDirs: graph, runs: RELOADABLE }).components).toEqual([]);
  });

  it('components named by the user are replaced whatever changed', () => {
    const p = planReload({ ...base, commitDiff: [], named: ['kubelet'], runs: RELOADABLE });
    expect(p.components).toEqual(['kubelet']);
    expect(p.because[0]!.because).toBe('named on the command line');
  });

  it('only what the cluster runs: a touched component it does not run is left out; naming one is a usage error', () => {
    const apiOnly = ['kube-apiserver', 'kube-controller-manager'] as const;
    expect(planReload({ ...base, commitDiff: ['go.mod'], packageDirs: graph, runs: apiOnly }).components).toEqual(['kube-apiserver']);
    expect(() => planReload({ ...base, commitDiff: [], named: ['kubelet'], runs: apiOnly })).toThrow(/the cluster runs no kubelet/);
  });

  it('reads the patch hash of a dirty describe', () => {
    expect(dirtyHash('v1.37.2-dirty-0a1b2c3d')).toBe('0a1b2c3d');
    expect(dirtyHash('v1.37.2-2+9b77a03dfc08f5-dirty-0a1b2c3d')).toBe('0a1b2c3d');
    expect(dirtyHash('v1.37.2')).toBeUndefined();
  });
});
