import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { toJUnit } from '../../../src/report/junit.js';
import { summary } from '../../../src/report/summary.js';
import type { RunReport } from '../../../src/report/model.js';

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
