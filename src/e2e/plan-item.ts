// An `e2e:` selection as an item the planner places like a scenario. Before a spec list exists
// (no test binary yet), its needs come from the selector alone, conservatively: a gate the label
// filter names is the feature under test (on wherever it is alpha or beta at the target, as for
// kindlab's own scenarios), and the specs go to nodes (the framework's suite set-up waits for
// ready schedulable nodes).
import { KindlabError } from '../errors.js';
import { defineScenario, type Scenario } from '../scenario/types.js';
import type { E2eSelector } from './selector.js';
import { specNeeds, type UpstreamSpec } from './specs.js';

/** The test binary's answer for a selector: the specs it selects. */
export interface SpecListing {
  binary: string;
  version: string;
  specs: readonly UpstreamSpec[];
}

/**
 * With a listing, the gates are those the selected specs carry (`FeatureGate:X`, dependencies
 * included) as well as those the selector names.
 */
export function e2ePlanItem(sel: E2eSelector, listing?: SpecListing): Scenario {
  const what = sel.labelFilter !== undefined ? `label filter ${sel.labelFilter}` : `focus ${sel.focus}`;
  const gates = [...new Set([...sel.gates, ...(listing ? specNeeds(listing.specs).gates : [])])];
  return defineScenario({
    id: sel.text,
    title: `upstream e2e specs (${what})`,
    tags: ['upstream-e2e'],
    description: listing
      ? `${listing.specs.length} upstream spec(s) that e2e.test ${listing.version} selects with Ginkgo's ${what}:\n${listing.specs.map((x) => `  ${x.name} (${x.location})`).join('\n')}`
      : `The upstream Kubernetes e2e specs that Ginkgo's ${what} selects, run from the target's own e2e.test.`,
    requires: {
      needs: 'node',
      ...(gates.length === 1 ? { feature: gates[0]! } : {}),
      ...(gates.length > 1 ? { featureGates: Object.fromEntries(gates.map((g) => [g, true])) } : {}),
    },
    run: async () => {
      // planned only: `selectScenarios` refuses e2e: selectors for commands that run
      throw new KindlabError(`${sel.text}: upstream e2e specs are planned, not run, by this version of kindlab`);
    },
  });
}
