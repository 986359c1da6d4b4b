// `kindlab run [selector...]`: run scenarios against a kindlab cluster or any kubeconfig
// (orchestration in src/scenario/session.ts, the runner in src/scenario/runner.ts).
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { table } from '../util/table.js';
import type { CliContext } from './context.js';
import type { CommandModule } from './main.js';

export interface RunFlags {
  cluster?: string;
  kubeconfig?: string;
  scenariosDir: string[];
  builtin: boolean;
  list?: boolean;
  parallel: string;
  timeout?: string;
  keep?: boolean;
  artifacts?: string;
  junit?: string;
  json?: string;
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];

export const register: CommandModule['register'] = (program: Command, run) => {
  program
    .command('run')
    .argument('[selectors...]', 'scenario ids, globs (*token*), tag:<tag> or kep:<number>; none = all')
    .description('run scenarios against a kindlab cluster or any kubeconfig')
    .option('--cluster <name>', 'a cluster kindlab created (kindlab ls)')
    .option('--kubeconfig <file>', 'any cluster (default: $KUBECONFIG)')
    .option('--scenarios-dir <dir>', 'also load scenarios (.ts files) from this folder; repeatable', collect, [])
    .option('--no-builtin', 'only the scenarios from --scenarios-dir')
    .option('--list', 'list the selected scenarios and exit')
    .option('--parallel <n>', 'scenarios at once', '4')
    .option('--timeout <seconds>', 'per-scenario timeout (default: the scenario’s own, else 300)')
    .option('--keep', 'leave namespaces and objects for debugging')
    .option('--artifacts <dir>', 'where failed scenarios’ artifacts go (default: $KINDLAB_HOME/runs/<id>/artifacts)')
    .option('--junit <file>', 'write a JUnit XML report')
    .option('--json <file>', 'write a JSON report')
    .addHelpText(
      'after',
      `
Examples:
  kindlab run --cluster dev
  kindlab run --kubeconfig ~/.kube/config 'kep:3140' tag:sig-auth --junit report.xml
  kindlab run --cluster dev --scenarios-dir ./my-scenarios --no-builtin
  kindlab run --list

Scenarios whose versions or feature gates do not fit the cluster are skipped with the reason.
Exit code 0 when nothing failed, 1 when a scenario failed.`,
    )
    .action(run(async () => handler));
};

export function parsePositive(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^[1-9]\d*$/.test(v)) throw new UsageError(`${flag} must be a positive whole number, got "${v}"`);
  return Number(v);
}

async function handler(ctx: CliContext, selectors: string[], flags: RunFlags): Promise<number> {
  const session = await import('../scenario/session.js');
  const scenarios = await session.selectScenarios(ctx, { scenariosDir: flags.scenariosDir, builtin: flags.builtin }, selectors);
  if (flags.list) {
    ctx.io.stdout(
      table(
        ['ID', 'KEP', 'VERSIONS', 'NEEDS', 'TITLE'],
        scenarios.map((s) => [s.id, s.kep ? String(s.kep) : '-', s.versions ?? 'any', s.requires?.needs ?? 'api', s.title]),
      ),
    );
    return 0;
  }
  const parallel = parsePositive(flags.parallel, '--parallel') ?? 4;
  const timeoutSeconds = parsePositive(flags.timeout, '--timeout');
  if (flags.cluster && flags.kubeconfig) throw new UsageError('give --cluster or --kubeconfig, not both');
  let target;
  if (flags.cluster) {
    const rec = ctx.store.getCluster(flags.cluster);
    if (!rec) throw new UsageError(`no kindlab cluster named "${flags.cluster}"`, { hint: 'kindlab ls lists them; kindlab up creates one' });
    if (rec.state !== 'ready') throw new UsageError(`cluster "${flags.cluster}" is ${rec.state}, not ready`);
    target = await session.targetFromRecord(ctx, rec);
  } else {
    const kubeconfig = flags.kubeconfig ?? ctx.env.KUBECONFIG?.split(':')[0];
    if (!kubeconfig) throw new UsageError('which cluster? give --cluster NAME, --kubeconfig FILE or set KUBECONFIG');
    target = await session.targetFromKubeconfig(ctx, kubeconfig);
  }
  const { plan } = await import('../plan/planner.js');
  const p = plan(scenarios, {
    version: target.info.version,
    description: `${target.info.gitVersion} (${target.name})`,
    existing: { featureGates: target.info.featureGates, hasNodes: target.info.hasNodes, nodes: target.info.nodes, servedApis: target.info.servedApis },
    providers: { local: 'not creating clusters', kind: 'not creating clusters' },
  });
  const runnable = scenarios.filter((s) => p.clusters.some((c) => c.scenarios.includes(s.id)));
  const rec = flags.cluster ? ctx.store.getCluster(flags.cluster) : undefined;
  if (rec) await session.loadMissingImages(ctx, rec, target, runnable);
  const runId = session.newRunId();
  const started = performance.now();
  const opts = session.executeOptions(ctx, runId, { ...flags, parallel, timeoutSeconds });
  ctx.io.stderr(`run ${runId}: ${runnable.length} scenario(s) on ${target.name} (${target.info.gitVersion}), ${p.skips.length} skipped\n`);
  // Needs the planner could not check from outside (kubelet config, host): said, not assumed.
  for (const c of p.clusters) for (const [id, chosen] of Object.entries(c.chosen)) for (const u of chosen.unknown) ctx.io.stderr(`  unknown for ${id}: ${u}\n`);
  const results = await session.executeOnTarget(ctx, runnable, target, opts);
  const report = session.buildReport(runId, started, [{ name: target.name, provider: target.info.provider, version: target.info.gitVersion }], [...results, ...session.skippedResults(p.skips, scenarios, target.name)]);
  return session.finishReport(ctx, report, opts);
}
