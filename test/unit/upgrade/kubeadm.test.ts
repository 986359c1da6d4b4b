import { describe, expect, it } from 'vitest';
import { imageRepository, imagesForRole, imagesListArgs, kubeadmFailure, missingImages, upgradeApplyArgs, upgradeNodeArgs } from '../../../src/upgrade/kubeadm.js';

describe('kubeadm upgrade commands', () => {
  it('reads the image repository of a static pod image, tag or digest', () => {
    expect(imageRepository('example.test/k8s/kube-apiserver:v1.37.1')).toBe('example.test/k8s');
    expect(imageRepository('example.test:5000/kube-apiserver@sha256:' + 'a'.repeat(64))).toBe('example.test:5000');
    expect(() => imageRepository('kube-apiserver:v1.37.1')).toThrow(/cannot tell/);
  });

  it('lists images in the cluster repository and applies with --yes (experimental only for pre-releases)', () => {
    expect(imagesListArgs('v1.37.2', 'example.test')).toEqual(['config', 'images', 'list', '--kubernetes-version', 'v1.37.2', '--image-repository', 'example.test']);
    expect(upgradeApplyArgs('v1.37.2', { experimental: false })).toEqual(['upgrade', 'apply', 'v1.37.2', '--yes']);
    expect(upgradeApplyArgs('v1.37.2-dirty-0a1b', { experimental: true, rebuild: true })).toEqual(['upgrade', 'apply', 'v1.37.2-dirty-0a1b', '--yes', '--allow-experimental-upgrades', '--force']);
    expect(upgradeApplyArgs('v1.37.2', { experimental: false, ignorePreflight: ['SystemVerification'] })).toEqual(['upgrade', 'apply', 'v1.37.2', '--yes', '--ignore-preflight-errors=SystemVerification']);
    expect(upgradeNodeArgs(['SystemVerification', 'Other'])).toEqual(['upgrade', 'node', '--ignore-preflight-errors=SystemVerification,Other']);
  });

  it("says what kubeadm said went wrong: its [ERROR] and error: lines, else its last lines", () => {
    const out = '\x1b[0;37mOS\x1b[0m: Linux\n[preflight] Some fatal errors occurred:\n\t[ERROR SystemVerification]: cgroups v1 support is deprecated\nerror: error execution phase preflight: preflight checks failed\nTo see the stack trace…';
    expect(kubeadmFailure(out)).toBe('[ERROR SystemVerification]: cgroups v1 support is deprecated; error: error execution phase preflight: preflight checks failed');
    expect(kubeadmFailure('a\nb\nc\nd')).toBe('b; c; d');
  });

  it('names the images a node runtime does not hold', () => {
    const crictl = JSON.stringify({ images: [{ repoTags: ['example.test/etcd:3.7.0-0'] }, { repoTags: null }, { repoTags: ['example.test/pause:3.10'] }] });
    expect(missingImages(['example.test/etcd:3.7.0-0', 'example.test/coredns/coredns:v1.13.1', 'example.test/pause:3.10'], crictl)).toEqual(['example.test/coredns/coredns:v1.13.1']);
  });

  it('needs etcd only on control-plane nodes', () => {
    const refs = ['example.test/etcd:3.7.0-0', 'example.test/coredns/coredns:v1.13.1', 'example.test/pause:3.10.2'];
    expect(imagesForRole(refs, 'control-plane')).toEqual(refs);
    expect(imagesForRole(refs, 'worker')).toEqual(['example.test/coredns/coredns:v1.13.1', 'example.test/pause:3.10.2']);
  });
});
