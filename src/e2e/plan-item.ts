// An `e2e:` selection as an item the planner places like a scenario. Before a spec list exists
// (no test binary yet), its needs come from the selector alone, conservatively: a gate the label
// filter names is the feature under test (on wherever it is alpha or beta at the target, as for
// kindlab's own scenarios), and the specs go to nodes wherever a provider with nodes can run here.
// kindlab cannot tell from a spec's labels whether its pods must run, so a selection is a
// scenario with a node part: without nodes (--provider local, or no node provider here) its specs
// run against the control plane alone with the framework's node waits off
// (--allowed-not-ready-nodes=-1), a spec whose pods must run fails there, and a pass is partial.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { KindlabError } from '../errors.js';
import { ExecaRunner } from '../exec/runner.js';
import { defineScenario, type Assertions, type Scenario, type ScenarioContext } from '../scenario/types.js';
import { runUpstreamSpecs } from './run-specs.js';
import type { E2eSelector } from './selector.js';
import { specNeeds, type UpstreamSpec } from './specs.js';

/** The test binary's answer for a selector: the specs it selects, the images the lab can supply. */
export interface SpecListing {
  binary: string;
  version: string;
  specs: readonly UpstreamSpec[];
  /** References of the images the specs' pods run (agnhost, busybox, pause of this e2e.test). */
  images?: readonly string[];
}

/** A whole upstream selection may run long: the liveness-probe specs alone observe for minutes. */
const E2E_TIMEOUT_SECONDS = 1800;

/**
 * Kubernetes moved its e2e suite to Ginkgo v2 in 1.25: before, there are no labels to filter on
 * (and no JSON report to read results from). A label filter is then a question the version cannot
 * answer: a skip that says so, never an empty pass.
 */
export const GINKGO_V2_SINCE = '1.25';
const NO_LABELS = `a label filter needs Ginkgo v2 labels; Kubernetes before ${GINKGO_V2_SINCE} runs its e2e suite on Ginkgo v1, which has none (and no JSON report)`;

/** How many upstream specs an item runs (from its test binary's listing); undefined for other items. */
const specCounts = new WeakMap<Scenario, number>();
export const upstreamSpecCount = (s: Scenario | undefined): number | undefined => (s ? specCounts.get(s) : undefined);

/**
 * With a listing, the gates are those the selected specs carry (`FeatureGate:X`, dependencies
 * included) as well as those the selector names.
 */
export function e2ePlanItem(sel: E2eSelector, listing?: SpecListing): Scenario {
  const what = sel.labelFilter !== undefined ? `label filter ${sel.labelFilter}` : `focus ${sel.focus}`;
  const gates = [...new Set([...sel.gates, ...(listing ? specNeeds(listing.specs).gates : [])])];
  const item = defineScenario({
    id: sel.text,
    title: `upstream e2e specs (${what})`,
    tags: ['upstream-e2e'],
    description: listing
      ? `${listing.specs.length} upstream spec(s) that e2e.test ${listing.version} selects with Ginkgo's ${what}:\n${listing.specs.map((x) => `  ${x.name} (${x.location})`).join('\n')}`
      : `The upstream Kubernetes e2e specs that Ginkgo's ${what} selects, run from the target's own e2e.test.`,
    timeoutSeconds: E2E_TIMEOUT_SECONDS + 300,
    requires: {
      nodePart: 'the specs\' pods run on kubelets, and the framework\'s suite set-up finds schedulable nodes and ready kube-system pods',
      ...(gates.length === 1 ? { feature: gates[0]! } : {}),
      ...(gates.length > 1 ? { featureGates: Object.fromEntries(gates.map((g) => [g, true])) } : {}),
      ...(listing?.images?.length ? { images: [...listing.images] } : {}),
      ...(sel.labelFilter !== undefined ? { perVersion: [{ versions: `<${GINKGO_V2_SINCE}`, skip: NO_LABELS }] } : {}),
    },
    run: async (ctx: ScenarioContext) => {
      const assert: Assertions = ctx.assert;
      if (!listing) throw new KindlabError(`${sel.text}: no e2e.test to run it with (a plan without a test binary)`);
      // Upstream's own specs of the feature: the whole run asserts it (a counter-proof must fail here).
      await ctx.featureStep(`the upstream specs pass (${what})`, async () => {
        const kubectl = join(dirname(listing.binary), 'kubectl');
        // Several specs: as many ginkgo processes as the machine has cores (and specs), as upstream's CI.
        const ginkgo = join(dirname(listing.binary), 'ginkgo');
        const procs = Math.max(1, Math.min(listing.specs.length, availableParallelism()));
        const withoutNodes = !ctx.cluster.hasNodes;
        if (withoutNodes) ctx.partial('no nodes: the specs ran against the control plane alone (e2e.test --allowed-not-ready-nodes=-1 --num-nodes=0: no node or kube-system waits)');
        const { results: all, exitCode, outputTail } = await runUpstreamSpecs(
          new ExecaRunner(),
          { binary: listing.binary, kubeconfig: ctx.kubeconfigPath, sel, kubectl: existsSync(kubectl) ? kubectl : undefined, timeoutSeconds: E2E_TIMEOUT_SECONDS, withoutNodes, ...(existsSync(ginkgo) ? { ginkgo, procs } : {}) },
          ctx.signal,
          (l) => ctx.log(l),
        );
        // the report holds every spec of the suite; those the selector filtered out are not results
        const chosen = new Set(listing.specs.map((x) => x.name));
        const results = all.filter((r) => chosen.has(r.name));
        if (!results.length) throw new KindlabError(`e2e.test ${listing.version} reported no spec (exit ${exitCode})`, { detail: outputTail });
        for (const r of results) {
          ctx.log(`${r.state === 'passed' ? '✓' : r.state === 'skipped' ? '-' : '✗'} ${r.name} [${r.seconds}s]${r.failure ? `: ${r.failure.message.split('\n')[0]} (${r.failure.location})` : ''}`);
          if (r.output) ctx.log(`  output of the failed spec (tail):\n${r.output}`);
        }
        const bad = results.filter((r) => r.state !== 'passed' && r.state !== 'skipped');
        assert.ok(bad.length === 0, `${bad.length} of ${results.length} upstream spec(s) did not pass: ${bad.map((r) => `${r.name} — ${r.state}${r.failure ? `: ${r.failure.message.split('\n')[0]} (${r.failure.location})` : ''}`).join('; ')}`);
        if (results.every((r) => r.state === 'skipped')) ctx.skip(`e2e.test skipped all ${results.length} selected spec(s) at run time`);
        assert.ok(exitCode === 0, `e2e.test exited ${exitCode} though every spec passed: ${outputTail.slice(-500)}`);
      });
    },
  });
  if (listing) specCounts.set(item, listing.specs.length);
  return item;
}
