import { describe, expect, it } from 'vitest';
import { missingImages } from '../../../src/scenario/runner.js';
import { mergeProfiles } from '../../../src/plan/planner.js';
import { emptyProfile } from '../../../src/cluster/profile.js';
import type { ClusterInfo } from '../../../src/scenario/types.js';

const info = (o: Partial<ClusterInfo>): ClusterInfo => ({ gitVersion: 'v1.37.2', version: '1.37.2', provider: 'existing', featureGates: {}, hasNodes: true, ...o });

describe('images a scenario needs', () => {
  it('names the images no node has', () => {
    const i = info({ nodeImages: ['reg.example/pause:3.10', 'reg.example/pause@sha256:aa'] });
    expect(missingImages(['reg.example/pause:3.10', 'reg.example/agnhost:2.53'], i)).toEqual(['reg.example/agnhost:2.53']);
  });

  it('counts images kindlab loaded, and a short name for its full form', () => {
    const i = info({ nodeImages: ['docker.example/library/busybox:1.36'], loadedImages: ['reg.example/agnhost:2.53'] });
    expect(missingImages(['reg.example/agnhost:2.53', 'library/busybox:1.36'], i)).toEqual([]);
  });

  it('does not judge clusters without nodes or without readable image lists', () => {
    expect(missingImages(['x:1'], info({ hasNodes: false, nodeImages: [] }))).toEqual([]);
    expect(missingImages(['x:1'], info({ nodeImages: undefined }))).toEqual([]);
  });

  it('merges images and kubelet settings of scenarios that share a cluster; conflicting kubelet fields split them', () => {
    const a = { ...emptyProfile(), images: ['b:1'], kubelet: { enableSystemLogQuery: true } };
    const b = { ...emptyProfile(), images: ['a:1', 'b:1'], kubelet: { singleProcessOOMKill: true } };
    expect(mergeProfiles(a, b)).toMatchObject({ images: ['a:1', 'b:1'], kubelet: { enableSystemLogQuery: true, singleProcessOOMKill: true } });
    expect(mergeProfiles(a, { ...emptyProfile(), kubelet: { enableSystemLogQuery: false } })).toBeUndefined();
  });
});
