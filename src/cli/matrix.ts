// `kindlab matrix [selectors] --versions a,b,c`: flags in, the matrix workflow
// (src/workflows/matrix.ts), the feature × version table out.
import { Option, type Command } from 'commander';
import type { CliContext } from './context.js';
import type { CommandModule } from './registry.js';
import { parsePositive, runFlags } from './parse.js';
import { addScenarioSourceFlags } from './target-flags.js';
import { providerNames } from '../cluster/providers.js';
import { ExitCode } from '../errors.js';

interface MatrixFlags {
  versions?: string;
  provider: string;
  kubeRoot?: string;
  scenariosDir: string[];
  builtin: boolean;
  parallel: string;
  timeout?: string;
  keep?: boolean;
  artifacts?: string;
  json?: string;
  junitDir?: string;
  html?: string;
  shard?: string;
  jobs?: string;
  allowUntested?: boolean;
  counterProof?: boolean;
  list?: boolean;
}

export const register: CommandModule['register'] = (cmd: Command, run) => {
  addScenarioSourceFlags(cmd.argument('[selectors...]', 'scenario ids, globs, tag:<tag>, kep:<number>, or upstream e2e specs (e2e:<focus regex>, e2e:label=<filter>: each version runs its own lab e2e.test); none = all'))
    .option('--versions <list>', 'comma-separated: released versions (v1.30.14), lab builds (lab:v1.28.15), refs in --kube-root (v1.34.0-rc.1, origin/master, a SHA)')
    .addOption(new Option('--provider <provider>', 'auto: per scenario, a provider with nodes where its node part needs them, else the cheapest').choices(['auto', ...providerNames()]).default('auto'))
    .option('--kube-root <dir>', 'Kubernetes checkout for refs (default: $KUBE_ROOT, else the current directory)')
    .option('--parallel <n>', 'scenarios at once per cluster', '4')
    .option('--jobs <n>', 'versions at once, each with its own clusters (default: one per 4 cores, so 1 on a 2-core machine)')
    .option('--timeout <seconds>', 'per-scenario timeout')
    .option('--keep', 'keep clusters and namespaces afterwards')
    .option('--artifacts <dir>', 'where failed scenarios’ artifacts go (a folder per version)')
    .option('--json <file>', 'write the matrix report as JSON')
    .option('--junit-dir <dir>', 'write one JUnit XML file per version (<version>.xml)')
    .option('--html <file>', 'write a self-contained HTML report: the table, then every version’s run')
    .option('--shard <i/n>', 'run only shard i of n of the cells (scenario × version): a stable split for n CI runners')
    .option('--list', 'list the cells (version × scenario) this run, or this --shard of it, would run, and what each version stands for; run nothing')
    .option('--counter-proof', 'at each version, also run each scenario whose feature is off there (a switchable gate, or a release older than the feature) expecting it on: it must fail (kindlab test --help)')
    .option('--allow-untested', 'exit 0 even when a version tested nothing: all its checks were skipped because this machine could not run them (exit 3 otherwise)')
    .addHelpText(
      'after',
      `
Examples:
  kindlab matrix --provider local --versions v1.24.17,v1.28.15,v1.37.2
  kindlab matrix kep:3488 --versions lab:v1.28.15,lab:v1.37.2 --html matrix.html --junit-dir junit/
  kindlab matrix validating-admission-policy --versions v1.33.0,origin/master --kube-root ~/src/kubernetes
  kindlab matrix --versions v1.28.15,v1.37.2 --shard 2/3 --junit-dir junit/

A version is a released version (the lab's binaries of it when npm run lab built them, with the
kind node image kindlab built of that version; else kind's published image), lab:<version> (only the
lab's binaries), or a ref, which is built the cheapest way the selected scenarios allow.
Versions run one after another, or --jobs at a time (default: one per 4 cores); each brings its own
clusters up and down.

Each cell says passed, failed, errored or skipped, and the stage the feature was at (alpha, beta, GA);
skip reasons are listed under the table. Exit code 0 when nothing failed or errored, 1 otherwise, 3 when a version tested
nothing (all its checks skipped because this machine could not run them; --allow-untested accepts it),
130 when interrupted.`,
    )
    .action(run(async () => handler));
};

async function handler(ctx: CliContext, selectors: string[], flags: MatrixFlags): Promise<number> {
  const { parseVersionList } = await import('../plan/matrix-versions.js');
  const { matrixWorkflow, defaultJobs } = await import('../workflows/matrix.js');
  const { availableParallelism } = await import('node:os');
  const { matrixTable } = await import('../report/matrix-table.js');
  const { runExitCode } = await import('../app/scenario-runs.js');
  if (flags.list) {
    const { matrixCells } = await import('../workflows/matrix.js');
    const { table } = await import('../util/table.js');
    const { mine, all, targets } = await matrixCells(ctx, { ...flags, selectors, versions: parseVersionList(flags.versions), ...(await runFlags(flags, ctx.cwd)) });
    const stands = (t: { ref?: string; binDir?: string; k8sVersion?: string }): string => (t.ref ? `ref ${t.ref}` : t.binDir ? `lab binaries ${t.binDir}` : `kind's published image of ${t.k8sVersion}`);
    ctx.io.stdout(table(['VERSION', 'SCENARIO', 'RUNS ON'], mine.map((c) => [c.v.label, c.s.id, stands(targets.get(c.v)!)])));
    ctx.io.stdout(`${mine.length} of ${all} cell(s)${flags.shard ? ` (shard ${flags.shard})` : ''}\n`);
    return 0;
  }
  const out = await matrixWorkflow(ctx, {
    ...flags,
    selectors,
    versions: parseVersionList(flags.versions),
    jobs: parsePositive(flags.jobs, '--jobs') ?? defaultJobs(availableParallelism()),
    ...(await runFlags(flags, ctx.cwd)),
  });
  ctx.io.stdout('\n' + matrixTable(out.report));
  if (flags.counterProof) {
    const { counterProofLines } = await import('../report/summary.js');
    for (const c of out.report.columns) ctx.io.stdout(`${c.label}: ${counterProofLines(c.report)}`);
  }
  ctx.io.stdout(`report: ${out.json}\n`);
  for (const j of out.junit) ctx.io.stdout(`junit: ${j}\n`);
  if (out.html) ctx.io.stdout(`html report: ${out.html}\n`);
  // Each version is a run of its own: one that tested nothing is not hidden by the others.
  const codes = out.report.columns.map((c) => ({ label: c.label, code: runExitCode(c.report, ctx.signal.aborted, flags.allowUntested) }));
  const worst = codes.find((c) => c.code === ExitCode.interrupted) ?? codes.find((c) => c.code === ExitCode.failed) ?? codes.find((c) => c.code === ExitCode.environment);
  if (worst?.code === ExitCode.environment) {
    const { untestedMessage } = await import('./render-run.js');
    for (const c of codes.filter((x) => x.code === ExitCode.environment)) ctx.io.stderr(`${c.label}: ${untestedMessage(out.report.columns.find((x) => x.label === c.label)!.report.results.length).replace(/^error: /, '')}`);
  }
  return worst?.code ?? (codes.length ? ExitCode.ok : runExitCode({ results: [] }, ctx.signal.aborted, flags.allowUntested));
}
