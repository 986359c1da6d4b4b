// The summary table printed at the end of a run.
import { table } from '../util/table.js';
import { counts, type RunReport } from './model.js';

export function summary(report: RunReport): string {
  const rows = report.results.map((r) => [
    r.id,
    r.cluster,
    r.status.toUpperCase(),
    `${(r.durationMs / 1000).toFixed(1)}s`,
    r.status === 'failed' ? `${r.failedStep ? `[${r.failedStep}] ` : ''}${(r.message ?? '').split('\n')[0]}` : r.status === 'skipped' ? (r.message ?? '') : '',
  ]);
  const c = counts(report);
  return `${table(['SCENARIO', 'CLUSTER', 'RESULT', 'TIME', 'DETAIL'], rows)}\n${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped in ${(report.durationMs / 1000).toFixed(1)}s\n`;
}
