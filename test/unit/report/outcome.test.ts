import { describe, expect, it } from 'vitest';
import { judged, runOutcome, type ScenarioResult } from '../../../src/report/model.js';
import { runExitCode } from '../../../src/app/scenario-runs.js';

const r = (id: string, status: ScenarioResult['status'], skipKind?: ScenarioResult['skipKind']): ScenarioResult => ({
  id, title: id, cluster: 'c', status, ...(skipKind ? { skipKind } : {}), steps: [], logs: [], durationMs: 0,
});

describe('the one rule for how a run ends', () => {
  it('a run whose checks were all skipped because this machine could not run them tested nothing: exit 3', () => {
    const results = [r('a', 'skipped', 'environment'), r('b', 'skipped', 'environment')];
    expect(runOutcome({ results }, false)).toBe('untested');
    expect(runExitCode({ results }, false)).toBe(3);
    // an unmarked skip (an older report, a scenario's plain ctx.skip) counts as environment
    expect(runOutcome({ results: [r('a', 'skipped')] }, false)).toBe('untested');
  });
  it('selecting nothing tests nothing', () => {
    expect(runOutcome({ results: [] }, false)).toBe('untested');
  });
  it('verdict skips are results: a version before the feature existed is an answer', () => {
    expect(runOutcome({ results: [r('a', 'skipped', 'verdict'), r('b', 'skipped', 'environment')] }, false)).toBe('ok');
    expect(judged([r('a', 'skipped', 'verdict'), r('b', 'skipped', 'environment')]).map((x) => x.id)).toEqual(['a']);
  });
  it('one check judged is enough; failures and interrupts come first', () => {
    expect(runOutcome({ results: [r('a', 'passed'), r('b', 'skipped', 'environment')] }, false)).toBe('ok');
    expect(runOutcome({ results: [r('a', 'failed'), r('b', 'skipped', 'environment')] }, false)).toBe('failed');
    expect(runOutcome({ results: [r('a', 'errored')] }, false)).toBe('failed');
    expect(runOutcome({ results: [r('a', 'skipped', 'environment')] }, true)).toBe('interrupted');
    expect(runExitCode({ results: [r('a', 'interrupted')] }, false)).toBe(130);
  });
  it('--allow-untested accepts a run that tested nothing, and nothing else', () => {
    expect(runExitCode({ results: [r('a', 'skipped', 'environment')] }, false, true)).toBe(0);
    expect(runExitCode({ results: [] }, false, true)).toBe(0);
    expect(runExitCode({ results: [r('a', 'failed')] }, false, true)).toBe(1);
  });
});

describe('a partial pass', () => {
  it('is a pass that says what it did not cover, in the summary and in JUnit', async () => {
    const { summary } = await import('../../../src/report/summary.js');
    const { toJUnit } = await import('../../../src/report/junit.js');
    const report = { runId: 'r', startedAt: '2026-12-05T00:00:00Z', durationMs: 1000, clusters: [], results: [{ ...r('grpc-probe', 'passed'), partial: ['node part: this cluster runs no pods'] }, r('create-token', 'passed')] };
    expect(runOutcome(report, false)).toBe('ok');
    const s = summary(report);
    expect(s).toMatch(/grpc-probe\s+c\s+PASSED \(partial\)\s+0\.0s\s+partial, not covered here: node part: this cluster runs no pods/);
    expect(s).toMatch(/create-token\s+c\s+PASSED\s/);
    expect(s).toMatch(/2 passed \(1 partial\), 0 failed/);
    expect(toJUnit(report)).toMatch(/<property name="kindlab.partial" value="node part: this cluster runs no pods"\/?>/);
  });
});
