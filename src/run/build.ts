// Step: for a ref, build what the planned clusters run (each provider says how: binaries, a node
// image), cached by commit. Only the providers the plan uses are built for. A built node image
// can change the facts its nodes are planned against (its containerd), so the plan is redone then.
import { buildDeps } from '../app/env.js';
import { planRun } from '../target/plan-run.js';
import { needs } from './context.js';
import type { RunStep } from './steps.js';

export const buildStep: RunStep = {
  name: 'build',
  why: 'a ref becomes the binaries or node image its clusters run, only for the providers planned',
  async run(ctx) {
    const resolved = needs(ctx.resolved, 'the target', 'build');
    const plan = needs(ctx.plan, 'the plan', 'build');
    if (!resolved.build || ctx.app.signal.aborted) return;
    const { app } = ctx;
    const used = [...new Set(plan.clusters.map((c) => c.provider))].map((n) => app.providers.describe(n)).filter((d) => d.capabilities.createsClusters);
    const deps = buildDeps(app);
    let hostChanged = false;
    for (const d of used) {
      if (!d.buildFromRef) continue;
      const built = await d.buildFromRef(resolved.build, deps);
      if (built.binDir) resolved.binDir = built.binDir;
      if (built.image) {
        resolved.image = built.image;
        resolved.imageSource = `built from ${resolved.target.description}`;
        if (d.hostFacts) {
          resolved.target.host = await d.hostFacts(app, built.image);
          hostChanged = true;
        }
      }
    }
    if (hostChanged) ctx.plan = planRun(app, ctx.scenarios, resolved, ctx.request.namePrefix);
  },
};
