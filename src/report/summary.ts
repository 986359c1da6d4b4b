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

/** The COUNTER-PROOF column: the verdict; the table after the summary says how and why. */
const counterCell = (r: ScenarioResult): string => (r.counterProof ? r.counterProof.verdict.toUpperCase() : '');

/** One line per scenario of a --counter-proof run: where the feature was switched off, what happened. */
export function counterProofLines(report: RunReport): string {
  const withCp = report.results.filter((r) => r.counterProof);
  if (!withCp.length) return '';
  const n = (v: string) => withCp.filter((r) => r.counterProof!.verdict === v).length;
  const lines = withCp.map((r) => `  ${r.id}: ${r.counterProof!.verdict}${r.counterProof!.how ? ` (${r.counterProof!.how})` : ''}: ${r.counterProof!.detail}`);
  const bad = n('not-counter-proved');
  return `counter-proof: ${n('counter-proved')} counter-proved, ${bad} NOT counter-proved${bad ? ' (their checks pass with the feature off: a defect of the scenario)' : ''}, ${n('inconclusive')} inconclusive, ${n('not-possible')} not possible here\n${lines.join('\n')}\n`;
}

/** An upgrade run: each scenario's phases side by side, then each cluster's upgrade. */
function upgradeTable(report: RunReport): string {
  const cell = (r: ScenarioResult | undefined): string => (r ? `${r.status.toUpperCase()}${r.status === 'passed' && r.partial?.length ? ' (partial)' : ''} ${(r.durationMs / 1000).toFixed(1)}s` : '');
  const keys = [...new Map(report.results.map((r) => [`${r.cluster}\u0000${r.id}`, r])).values()];
  const at = (k: ScenarioResult, phase: string) => report.results.find((r) => r.cluster === k.cluster && r.id === k.id && r.phase === phase);
  const rows = keys.map((k) => {
    const phases = ['before-upgrade', 'after-upgrade', 'across-upgrade'].map((p) => at(k, p));
    const bad = phases.find((r) => r && r.status !== 'passed');
    return [k.id, k.cluster, ...phases.map(cell), bad ? `${bad.phase}: ${detail(bad)}` : ''];
  });
  const ups = report.clusters.filter((c) => c.upgrade).map((c) => {
    const u = c.upgrade!;
    return `cluster ${c.name}: ${u.from} → ${u.to}${u.kubeletsStay ? ' (kubelets stay)' : ''}: ${u.error ? `upgrade FAILED after ${u.seconds.toFixed(1)}s: ${u.error.split('\n')[0]}` : `upgraded in ${u.seconds.toFixed(1)}s (${u.steps.length} steps)`}\n`;
  });
  return `${table(['SCENARIO', 'CLUSTER', 'BEFORE UPGRADE', 'AFTER UPGRADE', 'ACROSS UPGRADE', 'DETAIL'], rows)}\n${ups.join('')}`;
}

export function summary(report: RunReport): string {
  if (report.results.some((r) => r.phase)) return `${upgradeTable(report)}${totals(report)}`;
  const withCp = report.results.some((r) => r.counterProof);
  const rows = report.results.map((r) => [r.id, r.cluster, `${r.status.toUpperCase()}${r.status === 'passed' && r.partial?.length ? ' (partial)' : ''}`, `${(r.durationMs / 1000).toFixed(1)}s`, ...(withCp ? [counterCell(r)] : []), detail(r)]);
  const broken = report.clusters.filter((k) => k.error);
  const clusterLines = broken.map((k) => `cluster ${k.name} (${k.provider}) did not come up: ${(k.error ?? '').split('\n')[0]}\n`).join('');
  const head = ['SCENARIO', 'CLUSTER', 'RESULT', 'TIME', ...(withCp ? ['COUNTER-PROOF'] : []), 'DETAIL'];
  return `${table(head, rows)}\n${clusterLines}${counterProofLines(report)}${totals(report)}`;
}

/** The last line: how many passed, failed, ... and how long it took. */
function totals(report: RunReport): string {
  const c = counts(report);
  // errored/interrupted only when there are any, so the usual line stays short.
  const here = report.results.filter(environmentSkip).length;
  const skipped = c.skipped ? `${c.skipped} skipped (${c.skipped - here} not applicable, ${here} could not run here)` : '0 skipped';
  const partial = report.results.filter((r) => r.status === 'passed' && r.partial?.length).length;
  const parts = [`${c.passed} passed${partial ? ` (${partial} partial)` : ''}`, `${c.failed} failed`, ...(c.errored ? [`${c.errored} errored`] : []), skipped, ...(c.interrupted ? [`${c.interrupted} interrupted`] : [])];
  return `${parts.join(', ')} in ${(report.durationMs / 1000).toFixed(1)}s\n`;
}
