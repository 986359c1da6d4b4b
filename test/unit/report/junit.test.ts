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
    expect(summary(report)).toMatch(/1 passed, 1 failed, 1 skipped \(0 not applicable, 1 could not run here\) in 5.0s/);
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
    expect(s).toMatch(/cluster c2 \(kind\) did not come up: kind could not create cluster "c2"\n1 passed, 1 failed, 1 errored, 1 skipped \(0 not applicable, 1 could not run here\), 1 interrupted in 5.0s/);
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

describe('JUnit escaping', () => {
  const parse = (xml: string) => new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', parseAttributeValue: false, parseTagValue: false }).parse(xml);
  const nasty = 'a < b && c > "d" \'e\' ]]> end\u0007\u0000\u001b[31m\ud800';
  const r3: RunReport = {
    runId: 'run <1>',
    startedAt: '2026-11-23T08:00:00.000Z',
    durationMs: 10,
    clusters: [],
    results: [
      { id: 'x&y', title: 'x', cluster: 'c"1', status: 'failed', failedStep: 'step <1>', message: `${nasty}\nsecond line`, steps: [{ name: 'a]]>b', status: 'failed', durationMs: 5, error: nasty }], logs: [nasty], durationMs: 5 },
      { id: 'true', title: 't', cluster: 'c"1', status: 'skipped', message: 'true', steps: [], logs: [], durationMs: 0 },
    ],
  };

  it('round-trips markup characters, drops characters XML cannot carry', () => {
    const xml = toJUnit(r3);
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    expect(xml).not.toContain(']]>');
    const doc = parse(xml);
    expect(doc.testsuites.name).toBe('kindlab run run <1>');
    const suite = doc.testsuites.testsuite as { name: string; testcase: Array<Record<string, unknown>> };
    expect(suite.name).toBe('kindlab c"1');
    const [bad, skip] = suite.testcase as [Record<string, unknown>, Record<string, unknown>];
    expect(bad).toMatchObject({ name: 'x&y', classname: 'kindlab.c"1' });
    const clean = 'a < b && c > "d" \'e\' ]]> end[31m';
    const failure = bad.failure as { message: string; type: string; '#text': string };
    expect(failure.message).toBe(`step "step <1>": ${clean}`);
    expect(failure['#text']).toBe(`step "step <1>": ${clean}\nsecond line`);
    expect(bad['system-out']).toBe(`[failed] a]]>b (0.005s): ${clean}\n${clean}`);
    // The builder's default would write message="true" as a bare attribute name: not XML.
    expect(skip).toMatchObject({ name: 'true', skipped: { message: 'true' } });
  });

  it('an empty run is still a document', () => {
    const doc = parse(toJUnit({ ...r3, results: [] }));
    expect(doc.testsuites).toMatchObject({ tests: '0', failures: '0', errors: '0', skipped: '0' });
    expect(doc.testsuites.testsuite).toBeUndefined();
  });
});
