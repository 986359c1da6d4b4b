// Pure bisection over a first-parent history: which commit to test next, and when the answer is
// known. Commits are oldest first, commits[0] the good end and the last one the bad end. Like
// `git bisect`, a commit that cannot be judged (it does not build, its cluster did not come up,
// the scenario failed in another way) is skipped, and the next test is the untested commit
// nearest the middle.
import type { ResultStatus } from '../report/model.js';

export type Verdict = 'good' | 'bad' | 'skip';

export type BisectStep =
  | { kind: 'test'; commit: string; /** Untested candidates left, and tests needed at most for them. */ remaining: number; stepsLeft: number }
  | { kind: 'found'; commit: string }
  /** Only skipped commits lie between the last good and the first bad one: the change is in one of these. */
  | { kind: 'ambiguous'; commits: string[] };

export const stepsFor = (candidates: number): number => (candidates <= 0 ? 0 : Math.ceil(Math.log2(candidates + 1)));

export function nextStep(commits: readonly string[], verdicts: ReadonlyMap<string, Verdict>): BisectStep {
  const hi = commits.findIndex((c, i) => i > 0 && verdicts.get(c) === 'bad');
  const bad = hi === -1 ? commits.length - 1 : hi;
  let lo = 0;
  for (let i = 0; i < bad; i++) if (verdicts.get(commits[i]!) === 'good') lo = i;
  const between = commits.slice(lo + 1, bad);
  const untested = between.map((c, i) => ({ c, i: lo + 1 + i })).filter((x) => !verdicts.has(x.c));
  if (untested.length === 0) {
    if (between.length === 0) return { kind: 'found', commit: commits[bad]! };
    return { kind: 'ambiguous', commits: [...between, commits[bad]!] };
  }
  const mid = (lo + bad) / 2;
  // Nearest the middle; on a tie the older one (as git bisect leans).
  const pick = untested.reduce((best, x) => (Math.abs(x.i - mid) < Math.abs(best.i - mid) ? x : best));
  return { kind: 'test', commit: pick.c, remaining: untested.length, stepsLeft: stepsFor(between.length) };
}

export interface Observation {
  status: ResultStatus;
  failedStep?: string;
  message?: string;
}

/**
 * A candidate's verdict, judged against the two ends. Only the scenario's own outcome counts: a
 * pass is good or bad as the ends were; a failure counts only if it fails the way the failing
 * end does (the same step); anything else (errored: cluster or build trouble; skipped: the
 * scenario does not apply there; a failure in another step) is not a verdict on the change and
 * is skipped, with the reason.
 */
export function judge(at: Observation, good: Observation, bad: Observation): { verdict: Verdict; reason: string } {
  const same = (a: Observation, b: Observation): boolean => a.status === b.status && (a.status !== 'failed' || a.failedStep === b.failedStep);
  if (at.status === 'passed' || at.status === 'failed') {
    if (same(at, good)) return { verdict: 'good', reason: `${at.status}, as at the good end` };
    if (same(at, bad)) return { verdict: 'bad', reason: `${at.status}, as at the bad end` };
    return { verdict: 'skip', reason: `failed in step "${at.failedStep ?? '?'}", not the way the ${good.status === 'failed' ? 'good' : 'bad'} end fails (step "${(good.status === 'failed' ? good : bad).failedStep ?? '?'}"): ${firstLine(at.message)}` };
  }
  return { verdict: 'skip', reason: `${at.status}, not a verdict on the feature: ${firstLine(at.message)}` };
}

/** Whether the two ends make a bisectable range; else why not. */
export function checkEnds(good: Observation, bad: Observation): string | undefined {
  for (const [name, o] of [['good', good], ['bad', bad]] as const) {
    if (o.status !== 'passed' && o.status !== 'failed') return `the scenario ${o.status === 'skipped' ? 'was skipped' : o.status} at the ${name} end: ${firstLine(o.message)}`;
  }
  if (good.status === bad.status && good.failedStep === bad.failedStep) return `the scenario ${good.status === 'passed' ? 'passes' : `fails (step "${good.failedStep}")`} at both ends; there is no change to find`;
  return undefined;
}

const firstLine = (s: string | undefined): string => (s ?? '').split('\n')[0] ?? '';

/**
 * Why a commit does not build, in one line: the compiler's first error (file.go:line:col: ...)
 * from the tail of the build's output, else its last line.
 */
export function buildFailureLine(outputTail: string, fallback: string): string {
  const lines = outputTail.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => /\.go:\d+(:\d+)?: /.test(l)) ?? lines[lines.length - 1] ?? fallback;
}
