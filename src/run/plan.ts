// Step: which clusters, shaped how, run which scenarios; which are skipped and why (pure:
// src/plan/planner.ts). The command's header is printed here, before anything is built.
import { planRun } from '../target/plan-run.js';
import { needs } from './context.js';
import type { RunStep } from './steps.js';

export const planStep: RunStep = {
  name: 'plan',
  why: 'the clusters and skips are decided before anything is built or created',
  async run(ctx) {
    ctx.plan = planRun(ctx.app, ctx.scenarios, needs(ctx.resolved, 'the target', 'plan'), ctx.request.namePrefix);
    ctx.request.onPlan?.(ctx);
  },
};
