// How a finished run is shown: the summary table, where the reports and artifacts are, and the
// exit code.
import { runExitCode } from '../app/scenario-runs.js';
import type { WrittenReports } from '../report/write-reports.js';
import type { RunReport } from '../report/model.js';
import { ExitCode } from '../errors.js';
import { summary } from '../report/summary.js';
import type { CliContext } from './context.js';

export function renderRun(ctx: CliContext, report: RunReport, written: WrittenReports, artifactsDir: string, allowUntested = false): number {
  ctx.io.stdout('\n' + summary(report));
  if (report.results.some((r) => r.status === 'failed' && r.artifactsDir)) ctx.io.stdout(`artifacts of failed scenarios: ${artifactsDir}\n`);
  ctx.io.stdout(`report: ${written.json}\n`);
  if (written.html) ctx.io.stdout(`html report: ${written.html}\n`);
  const code = runExitCode(report, ctx.signal.aborted, allowUntested);
  if (code === ExitCode.interrupted) ctx.io.stderr('interrupted: scenario namespaces and objects were cleaned up\n');
  if (code === ExitCode.environment) ctx.io.stderr(untestedMessage(report.results.length));
  for (const f of written.failed) ctx.io.stderr(`error: could not write ${f.flag} ${f.path}: ${f.error}; the run's results are in ${written.json}\n`);
  // A report that is missing fails a run that would otherwise pass: CI would read a stale file.
  return code === ExitCode.ok && written.failed.length ? ExitCode.environment : code;
}

/** Why a run exits 3 having run: it judged nothing. */
export function untestedMessage(selected: number): string {
  return selected === 0
    ? 'error: nothing was tested: no check was selected\n'
    : `error: nothing was tested: all ${selected} selected check(s) were skipped because this machine or cluster could not run them (see DETAIL above); fix what the reasons name, or pass --allow-untested to accept a run that tested nothing\n`;
}
