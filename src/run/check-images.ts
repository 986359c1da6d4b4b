// Step: clusters made from a node image need one of the target version; none is an error before
// anything is built or created, naming the image and how to get one.
import { missingNodeImageError } from '../cluster/node-image.js';
import { needs } from './context.js';
import type { RunStep } from './steps.js';

export const checkImagesStep: RunStep = {
  name: 'check-images',
  why: 'a missing node image stops the run before it costs a build or a cluster',
  async run(ctx) {
    const resolved = needs(ctx.resolved, 'the target', 'check-images');
    const caps = (name: string) => ctx.app.providers.capabilitiesOf(name);
    const imageClusters = needs(ctx.plan, 'the plan', 'check-images').clusters.filter((c) => caps(c.provider).createsClusters && caps(c.provider).runsFrom === 'node-image');
    if (imageClusters.length && !resolved.build && !resolved.image && resolved.imageMissing) throw missingNodeImageError(resolved.imageMissing, imageClusters);
  },
};
