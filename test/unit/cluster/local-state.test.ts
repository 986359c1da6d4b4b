import { describe, expect, it } from 'vitest';
import { localProcesses, localState, withLocalState } from '../../../src/cluster/local/state.js';
import type { ClusterRecord } from '../../../src/state/records.js';
import { emptyProfile } from '../../../src/cluster/profile.js';

const base: ClusterRecord = { name: 'c', provider: 'local', state: 'ready', createdAt: '2026-12-07T00:00:00Z', kubeconfig: '/k', profile: emptyProfile() };
const own = { binDir: '/bin', dataDir: '/data', apiServerUrl: 'https://127.0.0.1:1', processes: [{ component: 'etcd', pid: 7, logFile: '/l' }] };

describe("the local provider's part of a cluster record", () => {
  it('is written under providerState and read back', () => {
    const rec = withLocalState(base, own);
    expect(rec.providerState).toEqual(own);
    expect(localState(rec)).toEqual(own);
    expect(localProcesses(rec).map((p) => p.pid)).toEqual([7]);
  });

  it('is read from a record an earlier kindlab wrote under `local`, and moved on the next write', () => {
    const old = { ...base, local: own } as ClusterRecord;
    expect(localProcesses(old)).toEqual(own.processes);
    const rewritten = withLocalState(old, { ...own, processes: [] }) as ClusterRecord & { local?: unknown };
    expect(rewritten.local).toBeUndefined();
    expect(localProcesses(rewritten)).toEqual([]);
  });

  it('is absent from a record of another provider or a malformed one', () => {
    expect(localState({ ...base, provider: 'kind' })).toBeUndefined();
    expect(localState({ ...base, providerState: { binDir: '/bin', processes: 'no' } })).toBeUndefined();
    expect(localProcesses({ ...base, providerState: { ...own, processes: [{ component: 'etcd', pid: '7', logFile: '/l' }] } })).toEqual([]);
  });
});
