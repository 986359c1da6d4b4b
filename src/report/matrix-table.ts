// The feature × version table `kindlab matrix` prints: a row per scenario, a column per version,
// each cell the result and the stage its feature was at; skip and error reasons listed below.
import { table } from '../util/table.js';
import { counts, stageLabel, type MatrixReport, type ScenarioResult } from './model.js';

function cell(r: ScenarioResult | undefined): string {
  if (!r) return '-';
  const marks = [r.stage ? stageLabel(r.stage) : '', r.status === 'passed' && r.partial?.length ? 'partial' : ''].filter(Boolean);
  return `${r.status.toUpperCase()}${marks.length ? ` (${marks.join(', ')})` : ''}`;
}

export function matrixTable(report: MatrixReport): string {
  const ids: string[] = [];
  for (const c of report.columns) for (const r of c.report.results) if (!ids.includes(r.id)) ids.push(r.id);
  const at = (label: string, id: string): ScenarioResult | undefined => report.columns.find((c) => c.label === label)?.report.results.find((r) => r.id === id);
  const header = ['SCENARIO', ...report.columns.map((c) => (c.label === c.version ? c.label : `${c.label} (${c.version})`))];
  const rows = ids.map((id) => [id, ...report.columns.map((c) => cell(at(c.label, id)))]);
  const reasons: string[] = [];
  for (const id of ids) {
    for (const c of report.columns) {
      const r = at(c.label, id);
      if (r && r.status !== 'passed') reasons.push(`  ${id} @ ${c.label}: ${r.failedStep ? `[${r.failedStep}] ` : ''}${(r.message ?? '').split('\n')[0]}`);
      else if (r?.partial?.length) reasons.push(`  ${id} @ ${c.label}: partial, not covered here: ${r.partial.join('; ')}`);
    }
  }
  const totals = report.columns.map((c) => {
    const n = counts(c.report);
    return `${c.label}: ${n.passed} passed, ${n.failed} failed, ${n.errored} errored, ${n.skipped} skipped${n.interrupted ? `, ${n.interrupted} interrupted` : ''}`;
  });
  return `${table(header, rows)}\n${reasons.length ? `why:\n${reasons.join('\n')}\n\n` : ''}${totals.join('\n')}\nin ${(report.durationMs / 1000).toFixed(1)}s\n`;
}
