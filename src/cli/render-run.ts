// How a finished run is shown: the summary table, where the reports and artifacts are, and the
// exit code.
import { runExitCode, type WrittenReports } from '../app/scenario-runs.js';
import type { RunReport } from '../report/model.js';
import { summary } from '../report/summary.js';
import type { CliContext } from './context.js';

export function renderRun(ctx: CliContext, report: RunReport, written: WrittenReports, artifactsDir: string): number {
  ctx.io.stdout('\n' + summary(report));
  if (report.results.some((r) => r.status === 'failed' && r.artifactsDir)) ctx.io.stdout(`artifacts of failed scenarios: ${artifactsDir}\n`);
  ctx.io.stdout(`report: ${written.json}\n`);
  if (written.html) ctx.io.stdout(`html report: ${written.html}\n`);
  const code = runExitCode(report, ctx.signal.aborted);
  if (code === 130) ctx.io.stderr('interrupted: scenario namespaces and objects were cleaned up\n');
  return code;
}
