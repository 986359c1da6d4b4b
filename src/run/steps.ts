// kindlab's run as a list of steps over one context (src/run/context.ts), in the shape of kind's
// cluster creation: `test` runs the list once, `matrix` once per version, `bisect` once per
// commit. Whatever happens, the clusters the run created are deleted at the end unless --keep.
//
//   resolve → upstream-specs → counter-proof → plan → upgrade-target → check-images → build → clusters → report
//                                 (per cluster: up → connect → run → down; with --upgrade-to: run → upgrade → run)
import { cleanup } from './cluster/down.js';
import type { RunContext } from './context.js';
import { buildStep } from './build.js';
import { checkImagesStep } from './check-images.js';
import { clustersStep } from './clusters.js';
import { counterProofStep } from './counter-proof.js';
import { planStep } from './plan.js';
import { reportStep } from './report.js';
import { resolveTargetStep } from './resolve-target.js';
import { upstreamSpecsStep } from './upstream-specs.js';
import { upgradeTargetStep } from './upgrade-target.js';
import type { RunReport } from '../report/model.js';

export interface RunStep {
  name: string;
  /** One line: why the step exists (DEVELOPERS.md shows the list). */
  why: string;
  run(ctx: RunContext): Promise<void>;
}

export const RUN_STEPS: readonly RunStep[] = [resolveTargetStep, upstreamSpecsStep, counterProofStep, planStep, upgradeTargetStep, checkImagesStep, buildStep, clustersStep, reportStep];

/**
 * Runs the steps in order; a step that throws stops the run (its name is kept in
 * ctx.failedStep) after cleanup. Returns the report the report step made.
 */
export async function runSteps(ctx: RunContext, steps: readonly RunStep[] = RUN_STEPS): Promise<RunReport> {
  try {
    for (const step of steps) {
      const t = performance.now();
      try {
        await step.run(ctx);
      } catch (e) {
        ctx.failedStep = step.name;
        throw e;
      } finally {
        ctx.seconds[step.name] = (performance.now() - t) / 1000;
      }
    }
  } finally {
    await cleanup(ctx);
  }
  if (!ctx.report) throw new Error('internal: the run has no report step');
  return ctx.report;
}
