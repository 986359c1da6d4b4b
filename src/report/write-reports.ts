// The reports of a finished run: the JSON kept in the run folder, and the JUnit, JSON and HTML
// files the user asked for (their writers load only here, not when scenarios are listed or planned).
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { AppEnv } from '../app/env.js';
import type { ExecuteOptions } from '../app/scenario-runs.js';
import { writeFileAtomic } from '../state/atomic.js';
import { renderRunHtml } from './html.js';
import { toJUnit } from './junit.js';
import { listFiles } from './list-files.js';
import type { RunReport } from './model.js';

export interface WrittenReports {
  /** The JSON report kept in the run folder. */
  json: string;
  junit?: string;
  html?: string;
  /** Reports the user asked for that could not be written at the end (checked before the run, so rare). */
  failed: { flag: string; path: string; error: string }[];
}

/** Writes the JSON report into the run folder, and the JUnit/JSON/HTML files the user asked for. */
export async function writeReports(ctx: AppEnv, report: RunReport, o: ExecuteOptions): Promise<WrittenReports> {
  const json = JSON.stringify(report, null, 2) + '\n';
  const runDir = join(ctx.store.paths.runs, report.runId);
  mkdirSync(runDir, { recursive: true });
  const written: WrittenReports = { json: join(runDir, 'report.json'), failed: [] };
  writeFileAtomic(written.json, json);
  // Each report on its own: one that cannot be written does not cost the others, or the summary.
  const out = (flag: string, file: string, text: () => string): string | undefined => {
    const path = resolve(ctx.cwd, file);
    try {
      mkdirSync(dirname(path), { recursive: true });
      writeFileAtomic(path, text());
      return path;
    } catch (e) {
      written.failed.push({ flag, path, error: (e as Error).message });
      return undefined;
    }
  };
  if (o.json) out('--json', o.json, () => json);
  if (o.junit) written.junit = out('--junit', o.junit, () => toJUnit(report));
  if (o.html) {
    const path = resolve(ctx.cwd, o.html);
    written.html = out('--html', o.html, () => renderRunHtml(report, { reportDir: dirname(path), cwd: ctx.cwd, listArtifacts: listFiles }));
  }
  return written;
}
