import { describe, expect, it } from 'vitest';
import { answers, formatImageRef, parseImageRef, parseRegistryPath, requestedRef } from '../../../src/images/reference.js';

describe('image references', () => {
  it('splits domain, path, tag and digest the way docker does', () => {
    expect(parseImageRef('reg.example/org/app:1.0')).toEqual({ domain: 'reg.example', path: 'org/app', tag: '1.0', digest: undefined });
    expect(parseImageRef('localhost:5000/app')).toEqual({ domain: 'localhost:5000', path: 'app', tag: undefined, digest: undefined });
    expect(parseImageRef('org/app:v2@sha256:abc')).toEqual({ domain: undefined, path: 'org/app', tag: 'v2', digest: 'sha256:abc' });
    expect(formatImageRef(parseImageRef('reg.example/org/app:1.0'))).toBe('reg.example/org/app:1.0');
  });

  it('a reference with a domain answers its own host only', () => {
    expect(answers('reg.example/pause:3.10', 'reg.example', 'pause', '3.10')).toBe(true);
    expect(answers('reg.example/pause:3.10', 'other.example', 'pause', '3.10')).toBe(false);
    expect(answers('reg.example/pause:3.10', 'reg.example', 'pause', '3.9')).toBe(false);
  });

  it('a short reference (docker dropped the default domain) answers its path on any host, library/ included', () => {
    expect(answers('org/cni:v1', 'any.example', 'org/cni', 'v1')).toBe(true);
    expect(answers('busybox:1.36', 'any.example', 'library/busybox', '1.36')).toBe(true);
    expect(answers('busybox', 'any.example', 'library/busybox', 'latest')).toBe(true);
    expect(answers('org/cni:v1', 'any.example', 'other/cni', 'v1')).toBe(false);
  });

  it('parses the registry API paths it serves', () => {
    expect(parseRegistryPath('/v2/')).toEqual({ kind: 'ping' });
    expect(parseRegistryPath('/v2/coredns/coredns/manifests/v1.14.6')).toEqual({ kind: 'manifest', name: 'coredns/coredns', reference: 'v1.14.6' });
    expect(parseRegistryPath('/v2/pause/blobs/sha256:00ff?x=1')).toEqual({ kind: 'blob', name: 'pause', digest: 'sha256:00ff' });
    expect(parseRegistryPath('/v2/pause/tags/list')).toEqual({ kind: 'other' });
    expect(requestedRef('h.example', 'pause', '3.10')).toBe('h.example/pause:3.10');
    expect(requestedRef('h.example', 'pause', 'sha256:ab')).toBe('h.example/pause@sha256:ab');
  });
});

import { bridgeGatewayOf } from '../../../src/docker/docker.js';

describe('docker bridge gateway', () => {
  it('uses the reported gateway, else the first address of the subnet', () => {
    expect(bridgeGatewayOf('10.1.0.254|10.1.0.0/24 ')).toBe('10.1.0.254');
    expect(bridgeGatewayOf('|172.17.0.0/16 ')).toBe('172.17.0.1');
    expect(bridgeGatewayOf('')).toBeUndefined();
  });
});
