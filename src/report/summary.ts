// The summary table printed at the end of a run.
import { table } from '../util/table.js';
import { counts, environmentSkip, type RunReport, type ScenarioResult } from './model.js';

function detail(r: ScenarioResult): string {
  const first = (r.message ?? '').split('\n')[0] ?? '';
  switch (r.status) {
    case 'failed':
    case 'interrupted':
      return `${r.failedStep ? `[${r.failedStep}] ` : ''}${first}`;
    case 'errored':
    case 'skipped':
      return first;
    default:
      return r.partial?.length ? `partial, not covered here: ${r.partial.join('; ')}` : '';
  }
}

export function summary(report: RunReport): string {
  const rows = report.results.map((r) => [r.id, r.cluster, `${r.status.toUpperCase()}${r.status === 'passed' && r.partial?.length ? ' (partial)' : ''}`, `${(r.durationMs / 1000).toFixed(1)}s`, detail(r)]);
  const c = counts(report);
  // errored/interrupted only when there are any, so the usual line stays short.
  const here = report.results.filter(environmentSkip).length;
  const skipped = c.skipped ? `${c.skipped} skipped (${c.skipped - here} not applicable, ${here} could not run here)` : '0 skipped';
  const partial = report.results.filter((r) => r.status === 'passed' && r.partial?.length).length;
  const parts = [`${c.passed} passed${partial ? ` (${partial} partial)` : ''}`, `${c.failed} failed`, ...(c.errored ? [`${c.errored} errored`] : []), skipped, ...(c.interrupted ? [`${c.interrupted} interrupted`] : [])];
  const broken = report.clusters.filter((k) => k.error);
  const clusterLines = broken.map((k) => `cluster ${k.name} (${k.provider}) did not come up: ${(k.error ?? '').split('\n')[0]}\n`).join('');
  return `${table(['SCENARIO', 'CLUSTER', 'RESULT', 'TIME', 'DETAIL'], rows)}\n${clusterLines}${parts.join(', ')} in ${(report.durationMs / 1000).toFixed(1)}s\n`;
}
