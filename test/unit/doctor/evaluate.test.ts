import { describe, expect, it } from 'vitest';
import { evaluate, type Facts } from '../../../src/doctor/evaluate.js';

const healthy: Facts = {
  docker: { installed: true, daemonVersion: '26.1.5' },
  kind: { installed: true, version: '0.33.0' },
  kubectl: { installed: true, version: 'v1.37.2' },
  git: { installed: true, version: '2.39.5' },
  freeDiskBytes: 100 * 1024 ** 3,
  stateRoot: '/home/u/.kindlab',
  cgroup: 'v2',
  inotify: { maxUserWatches: 524288, maxUserInstances: 512 },
  labBinDir: '/cache/bin',
};

describe('doctor evaluate', () => {
  it('is all ok on a healthy machine', () => {
    expect(evaluate(healthy).every((f) => f.status === 'ok')).toBe(true);
  });
  it('fails with a fix for a docker daemon that is down, an old kind and missing git', () => {
    const f = evaluate({ ...healthy, docker: { installed: true, error: 'Cannot connect' }, kind: { installed: true, version: '0.17.0' }, git: { installed: false } });
    const byCheck = Object.fromEntries(f.map((x) => [x.check, x]));
    expect(byCheck['container runtime']).toMatchObject({ status: 'fail' });
    expect(byCheck['container runtime']?.fix).toMatch(/start it/);
    expect(byCheck.kind).toMatchObject({ status: 'fail' });
    expect(byCheck.kind?.fix).toMatch(/go install sigs.k8s.io\/kind/);
    expect(byCheck.git?.status).toBe('fail');
  });
  it('warns on cgroup v1, low inotify limits and little disk', () => {
    const f = evaluate({ ...healthy, cgroup: 'v1', inotify: { maxUserWatches: 8192, maxUserInstances: 128 }, freeDiskBytes: 10 * 1024 ** 3 });
    expect(f.filter((x) => x.status === 'warn').map((x) => x.check).sort()).toEqual(['cgroup', 'disk', 'inotify']);
    expect(f.find((x) => x.check === 'inotify')?.fix).toMatch(/max_user_watches=524288/);
  });
});
