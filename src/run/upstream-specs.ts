// Step: upstream (e2e:) selections become the specs the target's e2e.test selects, with the gates
// and images they need; kindlab's own scenarios pass through. For a ref, the test binaries are
// built here from the ref's worktree (cached by commit), before the plan: the spec list decides
// what the clusters need. --dry-run prints that build and plans from the selectors alone.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildDeps, type AppEnv } from '../app/env.js';
import { labTestBinary, withUpstreamSpecs, type TestBinary } from '../e2e/upstream.js';
import { isE2eSelector } from '../e2e/selector.js';
import { buildTestBinaries, builtTestBinaries, TEST_BINARIES } from '../source/build-test-binaries.js';
import { treeTestArgs } from '../source/go-build.js';
import { describe } from '../exec/runner.js';
import type { ResolvedTarget } from '../target/resolve.js';
import { resolveRequirements } from '../plan/requirements.js';
import { needs } from './context.js';
import type { RunStep } from './steps.js';

const fromRef = (ref: string, binDir: string, version: string): TestBinary => ({
  binary: join(binDir, 'e2e.test'),
  version,
  build: `the run builds ${TEST_BINARIES.join(', ')} from ${ref} in a worktree, cached by commit: ${describe(['go', ...treeTestArgs({ pkg: './test/e2e', out: join(binDir, 'e2e.test'), ldflags: '<version stamp>' })])}`,
});

/**
 * The e2e.test a target's specs come from. A ref's is built (`build`) or, for `plan`, only looked
 * up; a release's is the lab's.
 */
export async function targetTestBinary(app: AppEnv, resolved: ResolvedTarget, use: 'build' | 'look up'): Promise<TestBinary> {
  const src = resolved.build;
  if (!src) return labTestBinary(app.env, resolved.target.version);
  if (use === 'look up' || app.dryRun) {
    const built = await builtTestBinaries(src, { runner: app.runner, store: app.store, signal: app.signal });
    if (built || use === 'look up') return fromRef(src.ref, built?.binDir ?? join(app.store.paths.root, 'test-binaries', '<commit>', 'bin'), built?.gitVersion ?? src.ref);
  }
  const built = await buildTestBinaries(src, buildDeps(app));
  return fromRef(src.ref, built.binDir, built.gitVersion);
}

export const upstreamSpecsStep: RunStep = {
  name: 'upstream-specs',
  why: 'the upstream specs a selection picks come from the test binary of the target (built here for a ref)',
  async run(ctx) {
    const resolved = needs(ctx.resolved, 'the target', 'upstream-specs');
    const selectors = ctx.scenarios.map((s) => s.id).filter(isE2eSelector);
    if (selectors.length === 0) return;
    const notes: string[] = [];
    const tb = await targetTestBinary(ctx.app, resolved, 'build');
    if (ctx.request.missingTestBinary === 'skip' && !existsSync(tb.binary)) {
      // A selection this version cannot answer at all (a label filter before Ginkgo v2) is the
      // plan's skip, with that reason; only the others wait for a test binary.
      const answerable = selectors.filter((id) => resolveRequirements(ctx.scenarios.find((s) => s.id === id)!, { version: resolved.target.version }).ok);
      const reason = `no e2e.test of ${tb.version} (build it: ${tb.build})`;
      ctx.preSkips.push(...answerable.map((id) => ({ id, kind: 'environment' as const, reason })));
      ctx.scenarios = ctx.scenarios.filter((s) => !answerable.includes(s.id));
      return;
    }
    ctx.scenarios = await withUpstreamSpecs(ctx.app, ctx.scenarios, selectors, tb, notes, ctx.app.dryRun ? 'plan' : 'run');
    for (const n of notes) ctx.app.progress(`${n}\n`);
  },
};
