import { describe, expect, it } from 'vitest';
import { inShard, parseShard } from '../../../src/plan/shard.js';
import { parseVersionList } from '../../../src/plan/matrix-versions.js';

describe('--shard', () => {
  const ids = ['grpc-probe', 'create-token', 'cronjob-timezone', 'sidecar-containers', 'user-namespaces', 'etcd-version', 'exec-websockets'];

  it('splits into n disjoint shards that together hold everything, within one of each other', () => {
    const shards = [1, 2, 3].map((i) => inShard(ids, (x) => x, { index: i, count: 3 }));
    expect(shards.flat().sort()).toEqual([...ids].sort());
    expect(new Set(shards.flat()).size).toBe(ids.length);
    const sizes = shards.map((s) => s.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });

  it('is stable: the order selectors gave does not move a scenario to another shard', () => {
    const reversed = [...ids].reverse();
    for (const i of [1, 2, 3]) expect(inShard(reversed, (x) => x, { index: i, count: 3 }).sort()).toEqual(inShard(ids, (x) => x, { index: i, count: 3 }).sort());
  });

  it('parses i/n and refuses what is not a shard', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard(undefined)).toBeUndefined();
    expect(() => parseShard('3/2')).toThrow(/i must be between 1 and 2/);
    expect(() => parseShard('0/2')).toThrow(/i must be between 1 and 2/);
    expect(() => parseShard('1/0')).toThrow(/n must be at least 1/);
    expect(() => parseShard('1-2')).toThrow(/must look like i\/n/);
  });
});

describe('matrix --versions', () => {
  it('tells released versions, lab builds and refs apart', () => {
    expect(parseVersionList('v1.24.17, 1.28.15,lab:v1.37.2,origin/master,abc123')).toEqual([
      { label: 'v1.24.17', kind: 'release', version: 'v1.24.17' },
      { label: '1.28.15', kind: 'release', version: 'v1.28.15' },
      { label: 'lab:v1.37.2', kind: 'lab', version: 'v1.37.2' },
      { label: 'origin/master', kind: 'ref', ref: 'origin/master' },
      { label: 'abc123', kind: 'ref', ref: 'abc123' },
    ]);
  });

  it('refuses an empty list, duplicates and lab builds without a release', () => {
    expect(() => parseVersionList('')).toThrow(/at least one version/);
    expect(() => parseVersionList('v1.30.0,v1.30.0')).toThrow(/names v1.30.0 twice/);
    expect(() => parseVersionList('lab:master')).toThrow(/a lab build is named by its release/);
  });
});

describe('matrix --jobs default', () => {
  it('runs one version at a time below 8 cores, more on bigger machines', async () => {
    const { defaultJobs } = await import('../../../src/workflows/matrix.js');
    expect([1, 2, 4, 7, 8, 16].map(defaultJobs)).toEqual([1, 1, 1, 1, 2, 4]);
  });
});
