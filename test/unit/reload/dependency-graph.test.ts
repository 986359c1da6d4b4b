import { describe, expect, it } from 'vitest';
import { parsePackageGraph } from '../../../src/reload/dependency-graph.js';

// The shape `go list -deps -f FORMAT ./cmd/kubelet ./cmd/kube-scheduler` prints (trimmed).
const tree = '/src/kubernetes';
const out = [
  'k8s.io/kubernetes/pkg/kubelet\t/src/kubernetes/pkg/kubelet\t',
  'k8s.io/client-go/rest\t/src/kubernetes/staging/src/k8s.io/client-go/rest\t',
  'github.com/spf13/cobra\t/root/go/pkg/mod/github.com/spf13/cobra@v1.9.1\t',
  'k8s.io/kubernetes/pkg/scheduler\t/src/kubernetes/pkg/scheduler\t',
  'k8s.io/kubernetes/cmd/kubelet\t/src/kubernetes/cmd/kubelet\tgithub.com/spf13/cobra k8s.io/client-go/rest k8s.io/kubernetes/pkg/kubelet',
  'k8s.io/kubernetes/cmd/kube-scheduler\t/src/kubernetes/cmd/kube-scheduler\tk8s.io/client-go/rest k8s.io/kubernetes/pkg/scheduler',
  '',
].join('\n');

describe('parsePackageGraph', () => {
  it('gives each command the tree folders of its own dependencies, staging included, module cache left out', () => {
    const g = parsePackageGraph(out, tree, ['kube-scheduler', 'kubelet']);
    expect([...g.get('kubelet')!].sort()).toEqual(['cmd/kubelet', 'pkg/kubelet', 'staging/src/k8s.io/client-go/rest']);
    expect([...g.get('kube-scheduler')!].sort()).toEqual(['cmd/kube-scheduler', 'pkg/scheduler', 'staging/src/k8s.io/client-go/rest']);
  });

  it('fails loudly when a command is missing from the output (a graph that named nothing would reload nothing)', () => {
    expect(() => parsePackageGraph(out, tree, ['kube-apiserver'])).toThrow(/no dependencies for k8s.io\/kubernetes\/cmd\/kube-apiserver/);
  });
});
