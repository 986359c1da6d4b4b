// `kindlab bisect --good <ref> --bad <ref> <scenario>`: flags in, the bisect workflow
// (src/workflows/bisect.ts), the answer out.
import { Option, type Command } from 'commander';
import { providerNames } from '../cluster/providers.js';
import { ExitCode, UsageError } from '../errors.js';
import type { CliContext } from './context.js';
import type { CommandModule } from './registry.js';
import { parsePositive } from './parse.js';
import { addScenarioSourceFlags } from './target-flags.js';

interface BisectFlags {
  good?: string;
  bad?: string;
  kubeRoot?: string;
  provider: string;
  scenariosDir: string[];
  builtin: boolean;
  timeout?: string;
  restart?: boolean;
  dryRun?: boolean;
  json?: string;
}

export const register: CommandModule['register'] = (cmd: Command, run) => {
  addScenarioSourceFlags(cmd.argument('<scenario>', 'the scenario whose result changes (its id), or upstream specs: e2e:<focus regex> or e2e:label=<label filter>'))
    .option('--good <ref>', 'a ref where the scenario behaves as before the change (usually: passes)')
    .option('--bad <ref>', 'a later ref where it does not (usually: fails)')
    .option('--kube-root <dir>', 'the Kubernetes checkout (default: $KUBE_ROOT, else the current directory); never modified: builds use worktrees')
    .addOption(new Option('--provider <provider>', 'auto: the cheapest provider that can run the scenario (binaries for the local provider when it needs only the API, a node image when it needs nodes)').choices(['auto', ...providerNames()]).default('auto'))
    .option('--timeout <seconds>', 'per-run scenario timeout')
    .option('--restart', 'forget the results saved by an earlier run of this bisect')
    .option('--dry-run', 'print the plan (range, candidates, the build per step, number of steps) and stop')
    .option('--json <file>', 'write the steps and the answer as JSON')
    .addHelpText(
      'after',
      `
Examples:
  kindlab bisect --good v1.33.0 --bad v1.34.0-rc.0 validating-admission-policy --kube-root ~/src/kubernetes
  kindlab bisect --good HEAD~20 --bad HEAD cronjob-timezone --dry-run
  kindlab bisect --good v1.36.0 --bad origin/master grpc-probe --provider kind --json bisect.json
  kindlab bisect --good v1.37.2 --bad HEAD 'e2e:should validate against a Deployment' --provider local

How a commit is judged: the two ends run first and define good and bad (the scenario must pass at
one and fail at the other). A candidate whose scenario passes, or fails in the same step as the
failing end, is good or bad. A candidate that does not build, whose cluster does not come up, where
the scenario is skipped, errors, or fails in another step, is skipped (as git bisect skip does), and
says why: it is never counted as bad. If only skipped commits separate the last good from the first
bad one, the answer lists them all.

Upstream specs (e2e:): each commit is judged by its own e2e.test, built from the same worktree with
the same Go and flags as its binaries or node image (the build cache makes it incremental); the
commit is bad when any selected spec fails, and the output says how many specs judged it.

Each commit is built once (cached by commit, in a worktree; your checkout is not touched), and the
results are saved as they come: after Ctrl-C, the same command resumes. Exit codes: 0 the commit was
found (or the candidates narrowed to skipped ones), 2 bad input (unknown refs, good after bad, a
scenario that behaves the same at both ends), 130 interrupted.`,
    )
    .action(run(async () => handler));
};

async function handler(ctx: CliContext, scenario: string, flags: BisectFlags): Promise<number> {
  if (!flags.good || !flags.bad) throw new UsageError(`bisect needs both ends: ${!flags.good ? '--good' : '--bad'} is missing`, { hint: 'e.g. kindlab bisect --good v1.33.0 --bad v1.34.0 <scenario>' });
  const { checkOutputs } = await import('../report/output-paths.js');
  const [jsonPath] = checkOutputs(flags.json ? [{ flag: '--json', value: flags.json, kind: 'file' }] : [], ctx.cwd);
  const { bisectWorkflow } = await import('../workflows/bisect.js');
  const out = await bisectWorkflow(ctx, { ...flags, good: flags.good, bad: flags.bad, scenario, timeoutSeconds: parsePositive(flags.timeout, '--timeout') });
  const p = out.plan;
  const short = (c: string): string => c.slice(0, 12);
  if (flags.dryRun) {
    ctx.io.stdout(
      [
        `bisect ${p.scenario} in ${p.kubeRoot}`,
        `  good ${short(p.good)} (${flags.good}), bad ${short(p.bad)} (${flags.bad}): ${p.candidates} commit(s) on the first-parent history`,
        `  each step: build ${p.build} for the ${p.provider} provider (cached by commit), bring a cluster up, run the scenario, tear it down`,
        `  steps: at most ${p.maxSteps} (the two ends, then ${p.maxSteps - 2} to bisect; commits that do not build add steps)`,
        `  state: ${p.stateFile}${p.resumable ? ` (${p.resumable} result(s) saved: would resume)` : ''}`,
        '',
      ].join('\n'),
    );
    return 0;
  }
  const { table } = await import('../util/table.js');
  ctx.io.stdout(
    '\n' +
      table(
        ['COMMIT', 'RESULT', 'VERDICT', 'BUILD', 'RUN', 'WHY'],
        out.steps.map((s) => [short(s.commit), s.status.toUpperCase(), s.verdict, `${s.buildSeconds.toFixed(1)}s`, `${s.runSeconds.toFixed(1)}s`, `${s.resumed ? '(saved) ' : ''}${s.reason}`]),
      ),
  );
  const a = out.answer;
  if (a && 'commit' in a) {
    ctx.io.stdout(`\nfirst commit where ${p.scenario} changes: ${a.commit}\n  ${a.subject}\n  (${a.describe})\n`);
    if (a.message) ctx.io.stdout(`  there: ${a.failedStep ? `[${a.failedStep}] ` : ''}${a.message.split('\n')[0]}\n`);
  } else if (a) {
    ctx.io.stdout(`\nthe change is in one of these commits (the others between could not be judged):\n${a.among.map((c) => `  ${c.commit} ${c.subject}`).join('\n')}\n`);
  }
  const judged = [...new Set(out.steps.map((s) => s.specs).filter((n) => n !== undefined))];
  if (judged.length) ctx.io.stdout(`judged by ${judged.join(' or ')} upstream spec(s) per commit (a commit is bad when any of them fails)\n`);
  ctx.io.stdout(`${out.steps.length} step(s); state: ${p.stateFile}\n`);
  if (jsonPath) {
    // After the answer is printed: a disk that filled up during hours of bisecting costs the file, not the answer.
    const { writeFileAtomic } = await import('../state/atomic.js');
    try {
      writeFileAtomic(jsonPath, JSON.stringify(out, null, 2) + '\n');
    } catch (e) {
      ctx.io.stderr(`error: could not write --json ${flags.json}: ${(e as Error).message}; the steps are saved in ${p.stateFile}\n`);
      return ExitCode.environment;
    }
  }
  return 0;
}
