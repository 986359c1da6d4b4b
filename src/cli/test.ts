// `kindlab test [ref] [selector...]`: build (for a ref) → plan → up every planned cluster → run →
// down. A failure or Ctrl-C at any point deletes what was created, unless --keep.
import type { Command } from 'commander';
import { createPhases } from '../util/phases.js';
import type { CliContext } from './context.js';
import type { CommandModule } from './main.js';
import { addTargetFlags } from './target-flags.js';
import { parsePositive } from './run.js';
import type { TargetFlags } from '../scenario/target.js';
import type { ClusterRecord } from '../state/records.js';
import type { ScenarioResult } from '../report/model.js';

interface TestFlags extends TargetFlags {
  scenariosDir: string[];
  builtin: boolean;
  parallel: string;
  timeout?: string;
  keep?: boolean;
  artifacts?: string;
  junit?: string;
  json?: string;
}

export const register: CommandModule['register'] = (program: Command, run) => {
  addTargetFlags(
    program
      .command('test')
      .argument('[ref-and-selectors...]', 'an optional Kubernetes ref first, then scenario selectors (ids, globs, tag:, kep:)')
      .description('one shot: build → plan → up → run → down, cleaning up on failure and Ctrl-C'),
  )
    .option('--parallel <n>', 'scenarios at once per cluster', '4')
    .option('--timeout <seconds>', 'per-scenario timeout')
    .option('--keep', 'keep clusters and namespaces afterwards')
    .option('--artifacts <dir>', 'where failed scenarios’ artifacts go')
    .option('--junit <file>', 'write a JUnit XML report')
    .option('--json <file>', 'write a JSON report')
    .addHelpText(
      'after',
      `
Examples:
  kindlab test --provider local                      # every API-level scenario on the lab binaries
  kindlab test v1.34.0 --kube-root ~/src/kubernetes  # build that ref, run everything that applies
  kindlab test --k8s-version v1.33.1 kep:3140 tag:sig-auth --junit out.xml

The first argument is taken as a ref when it is not a selector (tag:, kep:, a glob or a scenario id).`,
    )
    .action(run(async () => handler));
};

async function handler(ctx: CliContext, args: string[], flags: TestFlags): Promise<number> {
  const session = await import('../scenario/session.js');
  const { loadScenarios, BUILTIN_SCENARIOS_DIR } = await import('../scenario/loader.js');
  const { matches, select } = await import('../plan/select.js');
  const { resolve } = await import('node:path');
  const all = await loadScenarios([...(flags.builtin === false ? [] : [BUILTIN_SCENARIOS_DIR]), ...flags.scenariosDir.map((d) => resolve(ctx.cwd, d))]);
  const [first, ...rest] = args;
  const firstIsRef = first !== undefined && !flags.ref && !/^(tag:|kep:)|[*?]/.test(first) && !all.some((s) => matches(s, first));
  const ref = firstIsRef ? first : flags.ref;
  const scenarios = select(all, firstIsRef ? rest : args);
  const parallel = parsePositive(flags.parallel, '--parallel') ?? 4;
  const timeoutSeconds = parsePositive(flags.timeout, '--timeout');
  const phases = createPhases(ctx.io.stderr, ctx.color);
  const runId = session.newRunId();
  const started = performance.now();

  const { resolveTarget } = await import('../scenario/target.js');
  const resolved = await resolveTarget(ctx, { ...flags, ref }, true, phases);
  const { plan } = await import('../plan/planner.js');
  const p = plan(scenarios, resolved.target, `kl-${runId}`);
  ctx.io.stderr(`run ${runId}: target ${p.target.description}; ${p.clusters.length} cluster(s), ${p.skips.length} scenario(s) skipped\n`);
  for (const s of p.skips) ctx.io.stderr(`  skip ${s.id}: ${s.reason}\n`);

  const { getProvider } = await import('../cluster/providers.js');
  const opts = session.executeOptions(ctx, runId, { ...flags, parallel, timeoutSeconds });
  const created: ClusterRecord[] = [];
  const results: ScenarioResult[] = [];
  const clusters: Array<{ name: string; provider: string; version: string }> = [];
  try {
    for (const c of p.clusters) {
      if (c.provider === 'existing') continue;
      if (ctx.signal.aborted) break; // Ctrl-C: create nothing more; finally{} deletes what exists
      const provider = await getProvider(c.provider);
      const rec = await phases.run(`up ${c.provider} cluster ${c.name} for ${c.scenarios.length} scenario(s)`, () =>
        provider.create(
          {
            name: c.name,
            profile: c.profile,
            image: c.provider === 'kind' ? resolved.image : undefined,
            binDir: c.provider === 'local' ? resolved.binDir : undefined,
            kubernetesVersion: p.target.version,
            commit: resolved.commit,
            waitSeconds: 180,
          },
          { runner: ctx.runner, store: ctx.store, log: ctx.log, signal: ctx.signal },
        ),
      );
      created.push(rec);
      const target = await session.targetFromRecord(ctx, rec);
      clusters.push({ name: rec.name, provider: rec.provider, version: target.info.gitVersion });
      const ids = new Set(c.scenarios);
      results.push(...(await session.executeOnTarget(ctx, scenarios.filter((s) => ids.has(s.id)), target, opts)));
      if (!opts.keep) {
        await phases.run(`down ${rec.name}`, () => provider.delete(rec, { runner: ctx.runner, store: ctx.store, log: ctx.log }));
        created.splice(created.indexOf(rec), 1);
      }
    }
  } finally {
    if (!opts.keep) {
      for (const rec of created) {
        ctx.log.info(`cleaning up: deleting cluster ${rec.name}`);
        const provider = await getProvider(rec.provider);
        await provider.delete(rec, { runner: ctx.runner, store: ctx.store, log: ctx.log }).catch((e: unknown) => ctx.log.warn(`could not delete ${rec.name}: ${(e as Error).message}`));
      }
    } else if (created.length) {
      ctx.log.info(`--keep: clusters left running: ${created.map((r) => r.name).join(', ')} (kindlab down ${created.map((r) => r.name).join(' ')})`);
    }
  }
  const report = session.buildReport(runId, started, clusters, [...results, ...session.skippedResults(p.skips, scenarios, '-')]);
  return session.finishReport(ctx, report, opts);
}
