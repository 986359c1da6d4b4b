// The report model of a run, kept apart from the writers (JUnit, JSON, summary table).
import type { StepRecord } from '../scenario/context.js';
import type { SkipKind } from '../scenario/types.js';

/**
 * - passed / failed: the feature did / did not behave (a failed assertion, a timeout);
 * - skipped: the scenario does not apply (version, gates, provider) or was not run (--fail-fast);
 * - errored: it could not be judged for a reason that is not the feature (its cluster did not
 *   come up, the runner itself failed);
 * - interrupted: cut short by Ctrl-C / SIGTERM (or not started because of it).
 */
export type ResultStatus = 'passed' | 'failed' | 'skipped' | 'errored' | 'interrupted';


/** How a feature stage is written for people: GA in capitals, the others as they are. */
export const stageLabel = (stage: string): string => (stage === 'ga' ? 'GA' : stage);

export const RESULT_STATUSES: readonly ResultStatus[] = ['passed', 'failed', 'errored', 'skipped', 'interrupted'];

/**
 * What the scenario's counter-proof showed (kindlab test --counter-proof): its run with the feature
 * off, expected on, failed where it asserts the feature (counter-proved), passed (not
 * counter-proved: a defect of the scenario), could not be judged (inconclusive), or could not be
 * made here (not-possible, with why).
 */
export interface CounterProof {
  verdict: 'counter-proved' | 'not-counter-proved' | 'inconclusive' | 'not-possible';
  /** Where the feature was switched off: `Gate=false on v1.37.2 (cluster …)`. */
  how?: string;
  detail: string;
  /** The counter-proof run itself: its steps and log, to see what it did with the feature off. */
  run?: Pick<ScenarioResult, 'status' | 'cluster' | 'message' | 'failedStep' | 'steps' | 'logs' | 'durationMs'>;
}

export interface ScenarioResult {
  id: string;
  title: string;
  kep?: number;
  cluster: string;
  status: ResultStatus;
  /** The stage its feature was at on this cluster's version (alpha, beta, GA…), when it has one. */
  stage?: string;
  /** Parts of the check that did not run here (a partial pass); see ScenarioContext.partial. */
  partial?: string[];
  /** Set when skipped: a verdict about the version, or the environment could not run it. */
  skipKind?: SkipKind;
  /** Skip reason, the failure message, or the error (e.g. why the cluster did not come up). */
  message?: string;
  failedStep?: string;
  timedOut?: boolean;
  steps: StepRecord[];
  logs: string[];
  durationMs: number;
  namespace?: string;
  artifactsDir?: string;
  /** Set in a run with --counter-proof. */
  counterProof?: CounterProof;
  /** Set in a run with --upgrade-to: before or after the upgrade, or objects kept across it. */
  phase?: UpgradePhase;
}

export type UpgradePhase = 'before-upgrade' | 'after-upgrade' | 'across-upgrade';

/** The upgrade between the two phases of a cluster's run (kindlab test --upgrade-to). */
export interface ClusterUpgrade {
  from: string;
  to: string;
  seconds: number;
  /** The kubelets kept `from` (a version-skew run). */
  kubeletsStay?: boolean;
  steps: Array<{ step: string; where: string; seconds: number; version?: string }>;
  /** Set when the upgrade failed: why (the after-upgrade results are errored). */
  error?: string;
}

export interface ClusterSummary {
  name: string;
  provider: string;
  version: string;
  /** kind: the node image the cluster was created from. */
  image?: string;
  /** Set when the cluster did not come up: why (its scenarios are reported as errored). */
  error?: string;
  /** Set in a run with --upgrade-to. */
  upgrade?: ClusterUpgrade;
}

export interface RunReport {
  runId: string;
  startedAt: string;
  durationMs: number;
  clusters: ClusterSummary[];
  results: ScenarioResult[];
}

export function counts(r: Pick<RunReport, 'results'>): Record<ResultStatus, number> {
  const c: Record<ResultStatus, number> = { passed: 0, failed: 0, skipped: 0, errored: 0, interrupted: 0 };
  for (const x of r.results) c[x.status] += 1;
  return c;
}

/** Skipped because this machine could not run it (not a verdict on the feature). */
export const environmentSkip = (x: ScenarioResult): boolean => x.status === 'skipped' && x.skipKind !== 'verdict';

/** Results that say something about the feature: passed, failed, errored, or a verdict skip. */
export function judged(results: readonly ScenarioResult[]): ScenarioResult[] {
  return results.filter((x) => x.status !== 'interrupted' && !environmentSkip(x));
}

/**
 * The one rule for how a run ends: interrupted (130) before anything else; failed (1) when a check
 * failed or errored; untested (3) when nothing was judged — every selected check was skipped
 * because this machine could not run it, or nothing was selected — unless `allowUntested`; else ok.
 */
export type RunOutcome = 'ok' | 'failed' | 'interrupted' | 'untested';

export function runOutcome(r: Pick<RunReport, 'results'>, interrupted: boolean, allowUntested = false): RunOutcome {
  const c = counts(r);
  if (interrupted || c.interrupted > 0) return 'interrupted';
  if (c.failed + c.errored > 0) return 'failed';
  // A check that passes with its feature switched off proves nothing: the run fails.
  if (r.results.some((x) => x.counterProof?.verdict === 'not-counter-proved')) return 'failed';
  if (!allowUntested && judged(r.results).length === 0) return 'untested';
  return 'ok';
}

/** One version of a matrix: what was asked for, what it resolved to, and its run. */
export interface MatrixColumn {
  /** As the user wrote it: v1.30.14, a ref, lab:v1.28.15. */
  label: string;
  /** The Kubernetes version the target reported (v1.30.14, v1.38.0-alpha.0.123+abc). */
  version: string;
  report: RunReport;
}

/** The same scenarios on several versions, side by side. */
export interface MatrixReport {
  runId: string;
  startedAt: string;
  durationMs: number;
  columns: MatrixColumn[];
}
