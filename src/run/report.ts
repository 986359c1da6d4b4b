// Step: the run's report: every result, plan skips included (written by the command), with
// --counter-proof's verdicts on the scenarios they counter-prove.
import { buildReport, skippedResults } from '../report/results.js';
import { foldCounterProofs } from '../counter-proof/judge.js';
import type { RunStep } from './steps.js';

export const reportStep: RunStep = {
  name: 'report',
  why: 'every selected scenario ends in the report, run or not',
  async run(ctx) {
    const skips = skippedResults([...ctx.preSkips, ...(ctx.plan?.skips ?? [])], ctx.scenarios, '-');
    const results = [...ctx.results, ...skips];
    const cp = ctx.counterProof;
    ctx.report = buildReport(ctx.request.opts.runId, ctx.started, ctx.clusters, cp ? foldCounterProofs(results, ctx.scenarios, cp.notPossible, cp.version) : results);
  },
};
