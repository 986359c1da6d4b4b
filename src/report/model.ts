// The report model of a run, kept apart from the writers (JUnit, JSON, summary table).
import type { StepRecord } from '../scenario/context.js';

export type ResultStatus = 'passed' | 'failed' | 'skipped';

export interface ScenarioResult {
  id: string;
  title: string;
  kep?: number;
  cluster: string;
  status: ResultStatus;
  /** Skip reason, or the failure message. */
  message?: string;
  failedStep?: string;
  timedOut?: boolean;
  steps: StepRecord[];
  logs: string[];
  durationMs: number;
  namespace?: string;
  artifactsDir?: string;
}

export interface ClusterSummary {
  name: string;
  provider: string;
  version: string;
}

export interface RunReport {
  runId: string;
  startedAt: string;
  durationMs: number;
  clusters: ClusterSummary[];
  results: ScenarioResult[];
}

export function counts(r: RunReport): Record<ResultStatus, number> {
  const c = { passed: 0, failed: 0, skipped: 0 };
  for (const x of r.results) c[x.status] += 1;
  return c;
}
