// Step: the run's report: every result, plan skips included (written by the command).
import { buildReport, skippedResults } from '../report/results.js';
import type { RunStep } from './steps.js';

export const reportStep: RunStep = {
  name: 'report',
  why: 'every selected scenario ends in the report, run or not',
  async run(ctx) {
    const skips = skippedResults([...ctx.preSkips, ...(ctx.plan?.skips ?? [])], ctx.request.scenarios, '-');
    ctx.report = buildReport(ctx.request.opts.runId, ctx.started, ctx.clusters, [...ctx.results, ...skips]);
  },
};
