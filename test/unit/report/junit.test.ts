import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { toJUnit } from '../../../src/report/junit.js';
import { summary } from '../../../src/report/summary.js';
import { counts, runOutcome, type RunReport } from '../../../src/report/model.js';

const report: RunReport = {
  runId: 'abc123',
  startedAt: '2026-11-23T08:00:00.000Z',
  durationMs: 5000,
  clusters: [{ name: 'c1', provider: 'local', version: 'v1.37.2' }],
  results: [
    { id: 'ok', title: 'ok', cluster: 'c1', status: 'passed', steps: [{ name: 'a', status: 'passed', durationMs: 10 }], logs: ['hello <world> & "you"'], durationMs: 1200 },
    { id: 'bad', title: 'bad', cluster: 'c1', status: 'failed', failedStep: 'create', message: 'expected 1\ngot 2', steps: [], logs: [], durationMs: 300 },
    { id: 'skip', title: 'skip', cluster: '-', status: 'skipped', message: 'needs Kubernetes >=1.30', steps: [], logs: [], durationMs: 0 },
  ],
};

describe('JUnit XML', () => {
  it('parses as XML with suites, counts, failures and skips', () => {
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(toJUnit(report));
    expect(doc.testsuites).toMatchObject({ tests: '3', failures: '1', skipped: '1' });
    const suites = [doc.testsuites.testsuite].flat();
    expect(suites.map((s: { name: string }) => s.name)).toEqual(['kindlab c1', 'kindlab -']);
    const cases = suites.flatMap((s: { testcase: unknown }) => [s.testcase].flat()) as Array<Record<string, unknown>>;
    const bad = cases.find((c) => c.name === 'bad') as { failure: { message: string; type: string } };
    expect(bad.failure.message).toBe('step "create": expected 1');
    expect(bad.failure.type).toBe('ScenarioFailure');
    expect((cases.find((c) => c.name === 'skip') as { skipped: { message: string } }).skipped.message).toBe('needs Kubernetes >=1.30');
    expect((cases.find((c) => c.name === 'ok') as { 'system-out': string })['system-out']).toContain('hello <world> & "you"');
  });
  it('summarises', () => {
    expect(summary(report)).toMatch(/1 passed, 1 failed, 1 skipped in 5.0s/);
    expect(summary(report)).toMatch(/bad\s+c1\s+FAILED\s+0.3s\s+\[create\] expected 1/);
  });
});

describe('errored and interrupted results', () => {
  const r2: RunReport = {
    ...report,
    clusters: [
      { name: 'c1', provider: 'local', version: 'v1.37.2' },
      { name: 'c2', provider: 'kind', version: 'v1.37.2', image: 'kindest/node:v1.37.2', error: 'kind could not create cluster "c2"\nhint: the node image is not on this machine' },
    ],
    results: [
      ...report.results,
      { id: 'node-thing', title: 'node thing', cluster: 'c2', status: 'errored', message: 'cluster c2 (kind) did not come up: kind could not create cluster "c2"\nhint: pull it', steps: [], logs: [], durationMs: 0 },
      { id: 'cut', title: 'cut short', cluster: 'c1', status: 'interrupted', failedStep: 'sleep', message: 'interrupted', steps: [], logs: [], durationMs: 2000 },
    ],
  };

  it('JUnit: <error> for errored and interrupted, <failure> only for failed; counts', () => {
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(toJUnit(r2));
    expect(doc.testsuites).toMatchObject({ tests: '5', failures: '1', errors: '2', skipped: '1' });
    const suites = [doc.testsuites.testsuite].flat() as Array<{ name: string; errors: string; failures: string; testcase: unknown }>;
    expect(suites.find((s) => s.name === 'kindlab c2')).toMatchObject({ errors: '1', failures: '0' });
    const cases = suites.flatMap((s) => [s.testcase].flat()) as Array<Record<string, unknown>>;
    const errored = cases.find((c) => c.name === 'node-thing') as Record<string, { message: string; type: string; '#text': string }>;
    expect(errored.failure).toBeUndefined();
    expect(errored.error).toMatchObject({ type: 'Error', message: 'cluster c2 (kind) did not come up: kind could not create cluster "c2"' });
    expect(errored.error!['#text']).toMatch(/hint: pull it/);
    const cut = cases.find((c) => c.name === 'cut') as Record<string, { message: string; type: string }>;
    expect(cut.failure).toBeUndefined();
    expect(cut.error).toMatchObject({ type: 'Interrupted', message: 'step "sleep": interrupted' });
    expect((cases.find((c) => c.name === 'bad') as Record<string, unknown>).error).toBeUndefined();
  });

  it('summary: own statuses, the cluster error, and the counts', () => {
    const s = summary(r2);
    expect(s).toMatch(/node-thing\s+c2\s+ERRORED\s+0.0s\s+cluster c2 \(kind\) did not come up: kind could not create cluster "c2"\n/);
    expect(s).toMatch(/cut\s+c1\s+INTERRUPTED\s+2.0s\s+\[sleep\] interrupted/);
    expect(s).toMatch(/cluster c2 \(kind\) did not come up: kind could not create cluster "c2"\n1 passed, 1 failed, 1 errored, 1 skipped, 1 interrupted in 5.0s/);
  });

  it('outcome: interrupted beats failed; errored counts as failed', () => {
    expect(runOutcome(r2, false)).toBe('interrupted');
    expect(runOutcome({ ...r2, results: r2.results.filter((r) => r.status !== 'interrupted') }, false)).toBe('failed');
    expect(runOutcome({ ...r2, results: r2.results.filter((r) => r.status === 'errored') }, false)).toBe('failed');
    expect(runOutcome({ ...r2, results: r2.results.filter((r) => r.status === 'passed') }, true)).toBe('interrupted');
    expect(runOutcome({ ...r2, results: r2.results.filter((r) => r.status === 'passed' || r.status === 'skipped') }, false)).toBe('ok');
    expect(counts(r2)).toEqual({ passed: 1, failed: 1, errored: 1, skipped: 1, interrupted: 1 });
  });
});
