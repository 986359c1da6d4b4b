import { describe, expect, it } from 'vitest';
import { matrixTable } from '../../../src/report/matrix-table.js';
import type { MatrixReport, RunReport, ScenarioResult } from '../../../src/report/model.js';

const result = (id: string, status: ScenarioResult['status'], extra: Partial<ScenarioResult> = {}): ScenarioResult => ({ id, title: id, cluster: 'c', status, steps: [], logs: [], durationMs: 1, ...extra });
const run = (results: ScenarioResult[]): RunReport => ({ runId: 'r', startedAt: '2026-11-24T00:00:00Z', durationMs: 1000, clusters: [], results });

describe('matrixTable', () => {
  it('shows each cell with its stage, and every reason under the table', () => {
    const m: MatrixReport = {
      runId: 'm',
      startedAt: '2026-11-24T00:00:00Z',
      durationMs: 12_300,
      columns: [
        { label: 'v1.24.17', version: 'v1.24.17', report: run([result('validating-admission-policy', 'skipped', { message: 'needs Kubernetes >=1.26; the target is v1.24.17' }), result('grpc-probe', 'passed', { stage: 'beta' })]) },
        { label: 'lab:v1.28.15', version: 'v1.28.15', report: run([result('validating-admission-policy', 'passed', { stage: 'beta' }), result('grpc-probe', 'failed', { stage: 'ga', failedStep: 'probe', message: 'never ready\nmore' })]) },
      ],
    };
    const t = matrixTable(m);
    expect(t).toMatch(/SCENARIO\s+v1\.24\.17\s+lab:v1\.28\.15 \(v1\.28\.15\)/);
    expect(t).toMatch(/validating-admission-policy\s+SKIPPED\s+PASSED \(beta\)/);
    expect(t).toMatch(/grpc-probe\s+PASSED \(beta\)\s+FAILED \(GA\)/);
    expect(t).toContain('validating-admission-policy @ v1.24.17: needs Kubernetes >=1.26; the target is v1.24.17');
    expect(t).toContain('grpc-probe @ lab:v1.28.15: [probe] never ready');
    expect(t).toContain('v1.24.17: 1 passed, 0 failed, 0 errored, 1 skipped');
  });

  it('marks a partial pass in its cell and says what it did not cover', () => {
    const m: MatrixReport = {
      runId: 'm',
      startedAt: '2026-11-24T00:00:00Z',
      durationMs: 1000,
      columns: [{ label: 'v1.37.2', version: 'v1.37.2', report: run([result('grpc-probe', 'passed', { stage: 'ga', partial: ['the kubelet probes the container'] }), result('e2e:x', 'passed', { partial: ['no nodes'] })]) }],
    };
    const t = matrixTable(m);
    expect(t).toMatch(/grpc-probe\s+PASSED \(GA, partial\)/);
    expect(t).toMatch(/e2e:x\s+PASSED \(partial\)/);
    expect(t).toContain('grpc-probe @ v1.37.2: partial, not covered here: the kubelet probes the container');
  });
});
