// A planned cluster brought up by its provider from what the run targets (binaries or a node
// image of the target version). A provider that fails removes what it half-created.
import { phasesOf, providerContext } from '../../app/env.js';
import type { PlannedCluster } from '../../plan/planner.js';
import type { ClusterRecord } from '../../state/records.js';
import { providerVersion } from '../../target/resolve.js';
import { needs, type RunContext } from '../context.js';
import { buildInForm } from '../../cluster/provider.js';

export async function up(ctx: RunContext, c: PlannedCluster): Promise<ClusterRecord> {
  const { app } = ctx;
  const resolved = needs(ctx.resolved, 'the target', 'up');
  const caps = app.providers.capabilitiesOf(c.provider);
  const provider = await app.providers.get(c.provider);
  return phasesOf(app).run(`up ${c.provider} cluster ${c.name} for ${c.scenarios.length} scenario(s)`, () =>
    provider.create(
      {
        name: c.name,
        profile: c.profile,
        build: buildInForm(caps.runsFrom, resolved),
        kubernetesVersion: providerVersion(app, resolved, c.provider),
        commit: resolved.commit,
        waitSeconds: 180,
      },
      providerContext(app),
    ),
  );
}
