// Step: what the run targets, as facts: version, gates, which providers can run here, the node
// image. Nothing is built or pulled here (src/target/resolve.ts).
import { resolveTarget } from '../target/resolve.js';
import type { RunStep } from './steps.js';

export const resolveTargetStep: RunStep = {
  name: 'resolve',
  why: 'what the run targets, read without building anything',
  async run(ctx) {
    ctx.resolved = await resolveTarget(ctx.app, ctx.request.flags);
  },
};
