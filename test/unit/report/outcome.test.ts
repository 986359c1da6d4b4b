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
