import { describe, expect, it } from 'vitest';
import { componentImageRefs, goToolchain } from '../../../src/source/release-layout.js';

// What kubeadm 1.37's `config images list` prints, with a placeholder repository.
const LIST = ['repo.example/kube-apiserver:v1.37.2', 'repo.example/kube-controller-manager:v1.37.2', 'repo.example/kube-scheduler:v1.37.2', 'repo.example/kube-proxy:v1.37.2', 'repo.example/coredns/coredns:v1.14.6', 'repo.example/pause:3.10.2', 'repo.example/etcd:3.7.0-0'].join('\n');

describe('release layout', () => {
  it('takes each component image reference from kubeadm', () => {
    expect(componentImageRefs(LIST)).toEqual({
      'kube-apiserver': 'repo.example/kube-apiserver:v1.37.2',
      'kube-controller-manager': 'repo.example/kube-controller-manager:v1.37.2',
      'kube-scheduler': 'repo.example/kube-scheduler:v1.37.2',
      'kube-proxy': 'repo.example/kube-proxy:v1.37.2',
    });
  });

  it('keeps kubeadm\'s tag form for versions with build metadata', () => {
    const refs = componentImageRefs(LIST.replaceAll('v1.37.2', 'v1.37.2-3_abcdef'));
    expect(refs['kube-proxy']).toBe('repo.example/kube-proxy:v1.37.2-3_abcdef');
  });

  it('fails naming the component kubeadm did not list', () => {
    expect(() => componentImageRefs(LIST.replace('repo.example/kube-proxy:v1.37.2', ''))).toThrow(/kube-proxy/);
  });

  it('pins the Go of .go-version unless overridden', () => {
    expect(goToolchain('1.26.10\n')).toEqual({ value: 'go1.26.10', reason: "go1.26.10 (the checkout's .go-version)" });
    expect(goToolchain(undefined).value).toBeUndefined();
    expect(goToolchain('1.26.10', 'local')).toEqual({ value: 'local', reason: 'KINDLAB_GOTOOLCHAIN=local' });
    expect(goToolchain('garbage').value).toBeUndefined();
  });
});
