// The counter-proof runs that scenarios/README.md's table is made of but that the e2e tier cannot
// run itself: the full tier's releases on the local provider, and the catalogue on kind nodes (the
// kind tier's v1.37.2, the full tier's older releases). Each is kept in a record under
// test/fixtures/ as its latest run made it; the test that runs it checks its live run against the
// record, and writes it anew with KINDLAB_RECORD_COUNTER_PROOF=1.
import { readFileSync, writeFileSync } from 'node:fs';
import { execaSync } from 'execa';
import type { CounterProofRun } from '../../src/counter-proof/table.js';
import type { RunReport } from '../../src/report/model.js';

export interface RecordedRuns {
  ran: string;
  commit: string;
  runs: Array<{ version: string; results: Array<Pick<RunReport['results'][number], 'id' | 'counterProof'>> }>;
}

// only what the table reads: the verdict, how, why, and the step a counter-proof failed in
export const slim = (run: CounterProofRun): RecordedRuns['runs'][number] => ({
  version: run.version,
  results: run.report.results.map(({ id, counterProof: cp }) => ({ id, ...(cp ? { counterProof: { verdict: cp.verdict, ...(cp.how ? { how: cp.how } : {}), detail: cp.detail, ...(cp.run?.failedStep ? { run: { failedStep: cp.run.failedStep } } : {}) } as typeof cp } : {}) })),
});

export const asRun = (r: RecordedRuns['runs'][number]): CounterProofRun => ({ version: r.version, report: { results: r.results } as RunReport });

export const readRecord = (file: string): RecordedRuns => JSON.parse(readFileSync(file, 'utf8')) as RecordedRuns;

export const recording = process.env.KINDLAB_RECORD_COUNTER_PROOF === '1';

/**
 * With KINDLAB_RECORD_COUNTER_PROOF=1, puts these live runs into the record (replacing the runs of
 * the same labels, keeping the others, in label order); returns the record's runs of those labels,
 * to compare with the live ones.
 */
export function recordedRuns(file: string, root: string, live: CounterProofRun[]): CounterProofRun[] {
  const labels = live.map((r) => r.version);
  if (recording) {
    const kept = readRecord(file).runs.filter((r) => !labels.includes(r.version));
    const runs = [...kept, ...live.map(slim)].sort((a, b) => a.version.localeCompare(b.version, undefined, { numeric: true }));
    const record: RecordedRuns = { ran: new Date().toISOString().slice(0, 10), commit: execaSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD']).stdout, runs };
    writeFileSync(file, JSON.stringify(record, null, 2) + '\n');
  }
  const byLabel = new Map(readRecord(file).runs.map((r) => [r.version, r]));
  return labels.map((l) => {
    const r = byLabel.get(l);
    if (!r) throw new Error(`${file} has no run labelled ${l} (KINDLAB_RECORD_COUNTER_PROOF=1 writes it)`);
    return asRun(r);
  });
}
