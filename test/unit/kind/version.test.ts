import { describe, expect, it } from 'vitest';
import { buildNodeImageArgs, buildNodeImageFromTarballArgs, parseDefaultBaseImage, kindTooOld, kubeadmApiVersion, parseKindVersion } from '../../../src/kind/version.js';
import { diagnoseKindFailure } from '../../../src/kind/diagnose.js';

describe('kind version handling', () => {
  it('parses kind version output', () => {
    expect(parseKindVersion('kind v0.33.0 go1.26.8 linux/amd64')).toBe('0.33.0');
    expect(parseKindVersion('kind v0.27.0-alpha+0123abc go1.23 linux/amd64')).toBe('0.27.0');
    expect(parseKindVersion('nonsense')).toBeUndefined();
  });
  it('knows the minimum', () => {
    expect(kindTooOld('0.19.0')).toBe(true);
    expect(kindTooOld('0.20.0')).toBe(false);
  });
  it('calls build node-image the way each kind version expects', () => {
    expect(buildNodeImageArgs('0.17.0', '/src', 'img:t')).toEqual(['build', 'node-image', '--type', 'docker', '--kube-root', '/src', '--image', 'img:t']);
    expect(buildNodeImageArgs('0.21.0', '/src', 'img:t')).toEqual(['build', 'node-image', '--image', 'img:t', '/src']);
    expect(buildNodeImageArgs('0.33.0', '/src', 'img:t')).toEqual(['build', 'node-image', '--type', 'source', '--image', 'img:t', '/src']);
  });
  it('calls build node-image on a server tarball the way each kind version expects', () => {
    expect(buildNodeImageFromTarballArgs('0.21.0', '/k.tgz', 'img:t')).toEqual(['build', 'node-image', '--image', 'img:t', '/k.tgz']);
    expect(buildNodeImageFromTarballArgs('0.33.0', '/k.tgz', 'img:t', 'base:1')).toEqual(['build', 'node-image', '--type', 'file', '--image', 'img:t', '--base-image', 'base:1', '/k.tgz']);
    expect(buildNodeImageArgs('0.33.0', '/src', 'img:t', 'base:1')).toEqual(['build', 'node-image', '--type', 'source', '--image', 'img:t', '--base-image', 'base:1', '/src']);
  });
  it('reads kind\'s default base image from its help', () => {
    const help = '      --base-image string   name:tag of the base image to use for the build (default "some.example/kindest/base:v2026")\n      --image string';
    expect(parseDefaultBaseImage(help)).toBe('some.example/kindest/base:v2026');
    expect(parseDefaultBaseImage('no such flag')).toBeUndefined();
  });
  it('matches kind’s kubeadm dialect', () => {
    expect(kubeadmApiVersion('1.33.1', '0.33.0')).toBe('v1beta3');
    expect(kubeadmApiVersion('1.36.0', '0.33.0')).toBe('v1beta4');
    expect(kubeadmApiVersion('1.37.0', '0.30.0')).toBe('v1beta3');
  });
});

describe('diagnoseKindFailure', () => {
  it('explains pull failures and boot failures', () => {
    expect(diagnoseKindFailure('ERROR: failed to create cluster: failed to pull image "kindest/node:v1.33.1"')).toMatch(/could not be pulled/);
    expect(diagnoseKindFailure('could not find a log line that matches "Reached target .*Multi-User System.*"')).toMatch(/did not boot/);
    expect(diagnoseKindFailure('all good')).toBeUndefined();
  });
});
