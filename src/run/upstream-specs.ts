// Step: upstream (e2e:) selections become the specs the target version's e2e.test selects, with
// the gates and images they need; kindlab's own scenarios pass through.
import { UsageError } from '../errors.js';
import { existsSync } from 'node:fs';
import { labE2eBinary, withUpstreamSpecs } from '../e2e/upstream.js';
import { isE2eSelector } from '../e2e/selector.js';
import { needs } from './context.js';
import type { RunStep } from './steps.js';

/** Upstream specs with a ref: refused rather than run from a test binary of another version. */
export function refWithUpstreamSpecs(selectors: readonly string[]): UsageError {
  return new UsageError(`${selectors.join(', ')}: upstream specs run from the e2e.test of a lab release; kindlab does not build a ref's e2e.test yet`, {
    hint: 'give --k8s-version of a release the lab built with e2e.test (kindlab lab node <version>)',
  });
}

export const upstreamSpecsStep: RunStep = {
  name: 'upstream-specs',
  why: 'the upstream specs a selection picks come from the test binary of the target version',
  async run(ctx) {
    const resolved = needs(ctx.resolved, 'the target', 'upstream-specs');
    const selectors = ctx.scenarios.map((s) => s.id).filter(isE2eSelector);
    if (selectors.length === 0) return;
    // A test binary of another version than the cluster would be a silent mix: refused.
    if (resolved.build) throw refWithUpstreamSpecs(selectors);
    const notes: string[] = [];
    const binary = labE2eBinary(ctx.app.env, resolved.target.version);
    if (ctx.request.missingTestBinary === 'skip' && !existsSync(binary)) {
      const reason = `no e2e.test of v${resolved.target.version} (build it: kindlab lab node v${resolved.target.version})`;
      ctx.preSkips.push(...selectors.map((id) => ({ id, kind: 'environment' as const, reason })));
      ctx.scenarios = ctx.scenarios.filter((s) => !selectors.includes(s.id));
      return;
    }
    ctx.scenarios = await withUpstreamSpecs(ctx.app, ctx.scenarios, selectors, resolved.target.version, notes, 'run');
    for (const n of notes) ctx.app.progress(`${n}\n`);
  },
};
