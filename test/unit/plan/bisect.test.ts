import { describe, expect, it } from 'vitest';
import { buildFailureLine, checkEnds, judge, nextStep, stepsFor, type Verdict } from '../../../src/plan/bisect.js';

const commits = ['g', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'b'];
const v = (m: Record<string, Verdict>): Map<string, Verdict> => new Map(Object.entries(m));

/** Drives the bisection with a predicate, as the workflow does, and counts the tests. */
function run(firstBad: number, skip: string[] = []): { found: ReturnType<typeof nextStep>; tested: string[] } {
  const verdicts = v({ g: 'good', b: 'bad' });
  const tested: string[] = [];
  for (;;) {
    const step = nextStep(commits, verdicts);
    if (step.kind !== 'test') return { found: step, tested };
    tested.push(step.commit);
    const i = commits.indexOf(step.commit);
    verdicts.set(step.commit, skip.includes(step.commit) ? 'skip' : i >= firstBad ? 'bad' : 'good');
  }
}

describe('nextStep', () => {
  it('finds every possible first bad commit in at most ceil(log2(n+1)) tests', () => {
    for (let firstBad = 1; firstBad < commits.length; firstBad++) {
      const { found, tested } = run(firstBad);
      expect(found).toEqual({ kind: 'found', commit: commits[firstBad] });
      expect(tested.length).toBeLessThanOrEqual(stepsFor(commits.length - 2));
    }
  });

  it('tests the middle first', () => {
    expect(nextStep(commits, v({ g: 'good', b: 'bad' }))).toMatchObject({ kind: 'test', commit: 'c3', remaining: 6 });
  });

  it('steps around a commit that cannot be judged, like git bisect skip', () => {
    const { found, tested } = run(4, ['c5']);
    expect(found).toEqual({ kind: 'found', commit: 'c4' });
    expect(tested).toEqual(['c3', 'c5', 'c4']);
  });

  it('says the change is among the skipped commits when it cannot be narrowed down', () => {
    const { found } = run(4, ['c3', 'c4']);
    // c2 good, c3 and c4 skipped, c5 bad: the first bad one is c3, c4 or c5.
    expect(found).toEqual({ kind: 'ambiguous', commits: ['c3', 'c4', 'c5'] });
  });

  it('answers the bad end when it is the only candidate', () => {
    expect(nextStep(['g', 'b'], v({ g: 'good', b: 'bad' }))).toEqual({ kind: 'found', commit: 'b' });
  });
});

describe('judge and checkEnds', () => {
  const good = { status: 'passed' as const };
  const bad = { status: 'failed' as const, failedStep: 'rejects a value over the limit', message: 'expected rejection' };

  it('counts a pass as good and the same failure as bad', () => {
    expect(judge({ status: 'passed' }, good, bad).verdict).toBe('good');
    expect(judge({ status: 'failed', failedStep: 'rejects a value over the limit' }, good, bad).verdict).toBe('bad');
  });

  it('does not count errors, skips or a failure elsewhere as bad', () => {
    expect(judge({ status: 'errored', message: 'cluster did not come up' }, good, bad)).toMatchObject({ verdict: 'skip', reason: expect.stringMatching(/^errored, not a verdict on the feature: cluster did not come up/) });
    expect(judge({ status: 'skipped', message: 'needs 1.30' }, good, bad).verdict).toBe('skip');
    expect(judge({ status: 'failed', failedStep: 'creates the namespace' }, good, bad)).toMatchObject({ verdict: 'skip', reason: expect.stringMatching(/failed in step "creates the namespace", not the way the bad end fails/) });
  });

  it('bisects a fix as well as a regression (a failing good end)', () => {
    expect(judge({ status: 'passed' }, bad, good).verdict).toBe('bad');
    expect(checkEnds(bad, good)).toBeUndefined();
  });

  it('refuses ends that do not differ or cannot be judged', () => {
    expect(checkEnds(good, { status: 'passed' })).toMatch(/passes at both ends/);
    expect(checkEnds({ status: 'skipped', message: 'needs nodes' }, bad)).toMatch(/was skipped at the good end: needs nodes/);
    expect(checkEnds(good, { status: 'errored', message: 'no build' })).toMatch(/errored at the bad end/);
  });
});

describe('buildFailureLine', () => {
  it("names the compiler's first error, not the command line", () => {
    const tail = '# k8s.io/kubernetes/pkg/apis/scheduling/validation\npkg/apis/scheduling/validation/validation.go:94:9: undefined: notDefinedAnywhere\nnote: more';
    expect(buildFailureLine(tail, 'go exited 1')).toBe('pkg/apis/scheduling/validation/validation.go:94:9: undefined: notDefinedAnywhere');
    expect(buildFailureLine('link: out of memory\n', 'go exited 1')).toBe('link: out of memory');
    expect(buildFailureLine('', 'go exited 1')).toBe('go exited 1');
  });
});
