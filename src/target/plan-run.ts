// The plan of a run over a resolved target. One version: the planner as is. Two versions (an
// explicit choice, see resolve.ts): each scenario runs on a cluster from binaries of that side's
// version when it can, else on a node-image cluster of the other; a scenario neither can run is
// skipped with both reasons.
import type { AppEnv } from '../app/env.js';
import { decide, plan, type Plan, type PlanSkip, type PlanTarget } from '../plan/planner.js';
import type { Scenario } from '../scenario/types.js';
import type { ResolvedTarget, RunsFrom } from './resolve.js';

export function planRun(app: Pick<AppEnv, 'providers'>, scenarios: readonly Scenario[], r: ResolvedTarget, namePrefix = 'kindlab'): Plan {
  if (!r.split) return plan(scenarios, r.target, namePrefix);
  const split = r.split;
  const sideProvider = (from: RunsFrom): string => app.providers.withCapability((c) => c.runsFrom === from)!.name;
  const [binaries, nodes] = [sideProvider('binaries'), sideProvider('node-image')];
  const side = (from: RunsFrom): PlanTarget => ({ ...r.target, version: split[from]!.version, description: split[from]!.description, forceProvider: sideProvider(from) });
  // An API scenario with a node part goes where its node part runs, when that side can take it.
  const nodeSide = side('node-image');
  const toNodes = new Set(r.target.providers[nodes] === true ? scenarios.filter((s) => s.requires?.nodePart && decide(s, nodeSide).ok).map((s) => s.id) : []);
  const lp = plan(scenarios.filter((s) => !toNodes.has(s.id)), side('binaries'), namePrefix);
  const binarySkips = new Map(lp.skips.map((s) => [s.id, s]));
  const kp = plan(scenarios.filter((s) => toNodes.has(s.id) || binarySkips.has(s.id)), nodeSide, namePrefix);
  const clusters = [...lp.clusters, ...kp.clusters.map((c, i) => ({ ...c, name: `${namePrefix}-${lp.clusters.length + i + 1}` }))];
  // Each side is planned as if forced onto its provider; the user did not pass --provider.
  const unforced = (reason: string): string => reason.replace(/^--provider (\S+) cannot run here/, '$1 cannot run here');
  const skips = kp.skips.map((sk): PlanSkip => {
    const k = { ...sk, reason: unforced(sk.reason) };
    const s = scenarios.find((x) => x.id === k.id);
    const other = binarySkips.get(k.id)!;
    const lr = unforced(other.reason);
    // Scenarios that need nodes can only ever run on the node side: its reason is the one that matters.
    if (s?.requires?.needs === 'node' || lr === k.reason) return k;
    // A verdict only when neither side could have run it for a reason of this machine.
    const kind = other.kind === 'verdict' && k.kind === 'verdict' ? 'verdict' : 'environment';
    return { id: k.id, kind, reason: `${binaries} (v${split.binaries!.version}): ${lr}; ${nodes} (v${split['node-image']!.version}): ${k.reason}` };
  });
  const order = new Map(scenarios.map((s, i) => [s.id, i]));
  skips.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  return { target: r.target, clusters, skips, notes: [...new Set([...lp.notes, ...kp.notes])] };
}
