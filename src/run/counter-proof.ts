// Step (with --counter-proof): every selected scenario whose feature's gate can be switched off at
// the target gets a variant that runs with the gate off while expecting it on (src/counter-proof/).
// The plan then places the variants like any scenario, on clusters of their own profile; the
// report step folds each variant's verdict into its scenario's result.
import { counterProofPlan } from '../counter-proof/plan.js';
import { needs } from './context.js';
import type { RunStep } from './steps.js';

export const counterProofStep: RunStep = {
  name: 'counter-proof',
  why: 'a pass means something only if the same check fails where its feature is off',
  async run(ctx) {
    if (!ctx.request.counterProof) return;
    const { target } = needs(ctx.resolved, 'the target', 'counter-proof');
    const cp = counterProofPlan(ctx.scenarios, { version: target.version, description: `v${target.version}`, sourceGates: target.sourceGates });
    ctx.scenarios = [...ctx.scenarios, ...cp.variants];
    ctx.counterProof = { notPossible: cp.notPossible, version: `v${target.version}` };
  },
};
