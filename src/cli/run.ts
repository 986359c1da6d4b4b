// `kindlab run [selector...]`: flags in, the run workflow (src/workflows/run.ts), the summary out.
import type { Command } from 'commander';
import { table } from '../util/table.js';
import type { CliContext } from './context.js';
import type { CommandModule } from './registry.js';
import { runFlags } from './parse.js';
import { addReportFlags, addUntestedFlag, addScenarioSourceFlags } from './target-flags.js';

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
  html?: string;
  shard?: string;
  allowUntested?: boolean;
}

export const register: CommandModule['register'] = (cmd: Command, run) => {
  const withFlags = addScenarioSourceFlags(
    cmd
      .argument('[selectors...]', 'scenario ids, globs (*token*), tag:<tag>, kep:<number>, or upstream e2e specs (e2e:<focus regex>, e2e:label=<label filter>: the lab e2e.test of the cluster\'s version); none = all')
      .option('--cluster <name>', 'a cluster kindlab created (kindlab ls)')
      .option('--kubeconfig <file>', 'any cluster (default: $KUBECONFIG)'),
  )
    .option('--list', 'list the selected scenarios and exit')
    .option('--parallel <n>', 'scenarios at once', '4')
    .option('--timeout <seconds>', 'per-scenario timeout (default: the scenario’s own, else 300)')
    .option('--keep', 'leave namespaces and objects for debugging')
    .option('--artifacts <dir>', 'where failed scenarios’ artifacts go (default: $KINDLAB_HOME/runs/<id>/artifacts)');
  addUntestedFlag(addReportFlags(withFlags))
    .addHelpText(
      'after',
      `
Examples:
  kindlab run --cluster dev
  kindlab run --kubeconfig ~/.kube/config 'kep:3140' tag:sig-auth --junit report.xml
  kindlab run --cluster dev --scenarios-dir ./my-scenarios --no-builtin
  kindlab run --list
  kindlab run --cluster dev --shard 1/3 --junit junit-1.xml
  kindlab run --cluster dev 'e2e:\\[sig-api-machinery\\] ValidatingAdmissionPolicy'

Scenarios whose versions or feature gates do not fit the cluster are skipped with the reason.
Exit code 0 when nothing failed, 1 when a scenario failed, 3 when nothing was tested (every check
skipped because the cluster could not run it; --allow-untested accepts that).`,
    )
    .action(run(async () => handler));
};

async function handler(ctx: CliContext, selectors: string[], flags: RunFlags): Promise<number> {
  if (flags.list) {
    const { listScenarios } = await import('../workflows/list.js');
    const scenarios = await listScenarios(ctx, { ...flags, selectors, ...(await runFlags(flags, ctx.cwd)) });
    ctx.io.stdout(
      table(
        ['ID', 'KEP', 'VERSIONS', 'NEEDS', 'TITLE'],
        scenarios.map((s) => [s.id, s.kep ? String(s.kep) : '-', s.versions ?? 'any', s.requires?.needs ?? 'api', s.title]),
      ),
    );
    return 0;
  }
  const { runWorkflow } = await import('../workflows/run.js');
  const { renderRun } = await import('./render-run.js');
  const out = await runWorkflow(ctx, {
    ...flags,
    selectors,
    ...(await runFlags(flags, ctx.cwd)),
  });
  return renderRun(ctx, out.report, out.written, out.artifactsDir, flags.allowUntested);
}
