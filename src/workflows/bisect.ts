// `kindlab bisect`: the first commit between a good and a bad ref where a scenario's result
// changes. Each candidate goes through the run's steps (src/run/steps.ts): built the cheapest
// way the scenario allows (control-plane binaries for the local provider when it needs only the
// API, a node image when it needs nodes; both cached by commit, in worktrees, so the user's
// checkout is never touched), brought up, run, torn down. The choice of the next commit and the
// verdicts are pure (src/plan/bisect.ts). Every result is saved as it comes, so a bisect stopped
// by Ctrl-C resumes where it was.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { AppEnv } from '../app/env.js';
import * as runs from '../app/scenario-runs.js';
import { describeSource } from '../target/source.js';
import semver from 'semver';
import { newRunContext } from '../run/context.js';
import { runSteps } from '../run/steps.js';
import { InterruptedError, ProcessError, UsageError } from '../errors.js';
import { buildFailureLine, checkEnds, judge, nextStep, stepsFor, type Observation, type Verdict } from '../plan/bisect.js';
import { plan } from '../plan/planner.js';
import type { Scenario } from '../scenario/types.js';
import { Git } from '../source/git.js';
import { chooseKubeRoot, validateKubeRoot } from '../source/kube-root.js';
import { writeFileAtomic } from '../state/atomic.js';
import { TEST_BINARIES } from '../source/build-test-binaries.js';
import { upstreamSpecCount } from '../e2e/plan-item.js';

export interface BisectRequest {
  good: string;
  bad: string;
  /** A selector that names exactly one scenario. */
  scenario: string;
  kubeRoot?: string;
  provider: string;
  scenariosDir: string[];
  builtin: boolean;
  timeoutSeconds?: number;
  /** Forget the results saved by an earlier run of the same bisect. */
  restart?: boolean;
  dryRun?: boolean;
}

export interface StepRecord extends Observation {
  commit: string;
  verdict: Verdict;
  reason: string;
  buildSeconds: number;
  runSeconds: number;
  /** Saved by an earlier, interrupted run. */
  resumed?: boolean;
  /** Upstream specs: how many the commit's test binary selected (any failing makes it bad). */
  specs?: number;
}

export interface BisectPlan {
  kubeRoot: string;
  good: string;
  bad: string;
  scenario: string;
  provider: string;
  build: string;
  /** Commits after good up to bad, oldest first. */
  candidates: number;
  /** At most: the two ends, then the bisection. */
  maxSteps: number;
  stateFile: string;
  resumable: number;
}

export interface BisectOutcome {
  plan: BisectPlan;
  steps: StepRecord[];
  answer?: { commit: string; subject: string; describe: string; message?: string; failedStep?: string } | { among: Array<{ commit: string; subject: string }> };
}

interface SavedState {
  schema: 1;
  good: string;
  bad: string;
  scenario: string;
  provider: string;
  steps: StepRecord[];
}

export async function bisectWorkflow(app: AppEnv, req: BisectRequest): Promise<BisectOutcome> {
  // A bad e2e: selector is a usage error before any git work.
  const upstream = runs.upstreamE2eSelectors([req.scenario], 'plan').length > 0;
  const kubeRoot = chooseKubeRoot(req.kubeRoot, app.env, app.cwd);
  // The checkout first: a folder that is no git repository is not an "unknown ref".
  validateKubeRoot(kubeRoot);
  const git = new Git(app.runner, kubeRoot.path, app.signal);
  const { good, bad, chain, commits } = await firstParentRange(git, req);

  const scenario = await oneScenario(app, req);
  const provider = await cheapestProvider(app, scenario, req.provider, { ref: bad, kubeRoot: kubeRoot.path });
  const clusterBuild = app.providers.capabilitiesOf(provider).runsFrom === 'binaries' ? 'control-plane binaries (kube-apiserver, kube-controller-manager, kube-scheduler)' : 'a kind node image';
  // Upstream specs are judged by the commit's own test binary, from the same worktree and Go cache.
  const build = upstream ? `${clusterBuild} and the test binaries (${TEST_BINARIES.join(', ')})` : clusterBuild;
  const key = createHash('sha256').update([kubeRoot.path, good, bad, scenario.id, provider].join('\n')).digest('hex').slice(0, 16);
  const stateFile = join(app.store.paths.root, 'bisect', `${key}.json`);
  if (req.restart && !req.dryRun) rmSync(stateFile, { force: true });
  const saved = readState(stateFile);
  const plan: BisectPlan = {
    kubeRoot: kubeRoot.path,
    good,
    bad,
    scenario: scenario.id,
    provider,
    build,
    candidates: chain.length,
    maxSteps: 2 + stepsFor(chain.length - 1),
    stateFile,
    resumable: saved?.steps.length ?? 0,
  };
  if (req.dryRun) return { plan, steps: [] };

  const steps: StepRecord[] = (saved?.steps ?? []).map((s) => ({ ...s, resumed: true }));
  const state: SavedState = { schema: 1, good, bad, scenario: scenario.id, provider, steps };
  if (steps.length) app.progress(`resuming: ${steps.length} commit(s) already tested (${stateFile}; --restart forgets them)\n`);
  const at = async (commit: string): Promise<StepRecord> => {
    const done = steps.find((s) => s.commit === commit);
    if (done) return done;
    app.progress(`\n== ${commit.slice(0, 12)} ${await git.subject(commit)}\n`);
    const obs = await observe(app, { commit, kubeRoot: kubeRoot.path, scenario, provider, timeoutSeconds: req.timeoutSeconds });
    const rec: StepRecord = { commit, ...obs, verdict: 'skip', reason: '' };
    if (obs.specs !== undefined) app.progress(`  judged by ${obs.specs} upstream spec(s): the commit is bad when any of them fails\n`);
    steps.push(rec);
    return rec;
  };
  const save = (): void => {
    mkdirSync(join(app.store.paths.root, 'bisect'), { recursive: true });
    writeFileAtomic(stateFile, JSON.stringify(state, null, 2) + '\n');
  };

  // The ends first: they define what good and bad look like.
  const end = async (commit: string, verdict: 'good' | 'bad'): Promise<StepRecord> => {
    const rec = Object.assign(await at(commit), { verdict, reason: `the ${verdict} end` });
    save();
    return rec;
  };
  const goodEnd = await end(good, 'good');
  const badEnd = await end(bad, 'bad');
  const problem = checkEnds(goodEnd, badEnd);
  if (problem) {
    throw new UsageError(`cannot bisect ${scenario.id} between ${req.good} and ${req.bad}: ${problem}`, {
      hint: `check the ends with kindlab test <ref> ${scenario.id}; bisect needs the scenario to pass at one end and fail at the other (results are saved: --restart tests the ends again)`,
    });
  }
  return { plan, steps, answer: await walk(app, git, commits, { steps, at, save, goodEnd, badEnd }) };
}

/** Between the ends: the next commit to test, judged against the ends, until one commit (or a set of untestable ones) is left. */
async function walk(
  app: AppEnv,
  git: Git,
  commits: string[],
  w: { steps: StepRecord[]; at: (commit: string) => Promise<StepRecord>; save: () => void; goodEnd: StepRecord; badEnd: StepRecord },
): Promise<NonNullable<BisectOutcome['answer']>> {
  const verdicts = new Map<string, Verdict>(w.steps.map((s) => [s.commit, s.verdict]));
  for (;;) {
    const next = nextStep(commits, verdicts);
    if (next.kind === 'found') {
      const found = w.steps.find((s) => s.commit === next.commit)!;
      return { commit: next.commit, subject: await git.subject(next.commit), describe: await git.describe(next.commit), message: found.message, failedStep: found.failedStep };
    }
    if (next.kind === 'ambiguous') return { among: await Promise.all(next.commits.map(async (c) => ({ commit: c, subject: await git.subject(c) }))) };
    app.progress(`bisect: ${next.remaining} candidate(s) left, about ${next.stepsLeft} step(s)\n`);
    const rec = await w.at(next.commit);
    if (!rec.reason) Object.assign(rec, judge(rec, w.goodEnd, w.badEnd));
    verdicts.set(rec.commit, rec.verdict);
    app.progress(`  ${rec.commit.slice(0, 12)}: ${rec.verdict} (${rec.reason})\n`);
    w.save();
  }
}

/** good, bad and the first-parent commits after good up to bad; a range bisect cannot walk is a usage error naming the fix. */
async function firstParentRange(git: Git, req: Pick<BisectRequest, 'good' | 'bad'>): Promise<{ good: string; bad: string; chain: string[]; commits: string[] }> {
  const good = await git.resolve(req.good);
  const bad = await git.resolve(req.bad);
  if (good === bad) throw new UsageError(`--good and --bad are the same commit (${good.slice(0, 12)})`);
  if (!(await git.isAncestor(good, bad))) {
    if (await git.isAncestor(bad, good)) {
      throw new UsageError(`--good ${req.good} comes after --bad ${req.bad}: they are the wrong way round`, { hint: `swap them: --good ${req.bad} --bad ${req.good} (bisect looks for the first commit after --good whose result is --bad's)` });
    }
    throw new UsageError(`--good ${req.good} is not an ancestor of --bad ${req.bad}`, { hint: 'bisect walks the first-parent history from good to bad; give a good ref that --bad descends from (git merge-base can find one)' });
  }
  const chain = await git.firstParentChain(good, bad);
  if (chain.length === 0 || chain[chain.length - 1] !== bad) throw new UsageError(`--bad ${req.bad} is not on the first-parent history of --good ${req.good}`);
  const commits = [good, ...chain];
  return { good, bad, chain, commits };
}

/** Builds and runs the scenario at one commit. A commit that does not build is an errored observation. */
async function observe(
  app: AppEnv,
  o: { commit: string; kubeRoot: string; scenario: Scenario; provider: string; timeoutSeconds?: number },
): Promise<Observation & { buildSeconds: number; runSeconds: number; specs?: number }> {
  const runId = runs.newRunId();
  const opts = runs.executeOptions(app, runId, { parallel: 1, timeoutSeconds: o.timeoutSeconds });
  const ctx = newRunContext(app, { flags: { provider: o.provider, ref: o.commit, kubeRoot: o.kubeRoot }, scenarios: [o.scenario], opts, namePrefix: `kl-bisect-${runId}` });
  const seconds = (...steps: string[]): number => steps.reduce((sum, s) => sum + (ctx.seconds[s] ?? 0), 0);
  let report;
  try {
    report = await runSteps(ctx);
  } catch (e) {
    // A build that fails (the cluster's, or the test binaries' of upstream specs) is `git bisect
    // skip`; anything else (docker down, no etcd, Ctrl-C) stops the bisect, which can be resumed.
    if (!BUILDING_STEPS.includes(ctx.failedStep ?? '') || !(e instanceof ProcessError) || app.signal.aborted) throw e;
    const why = buildFailureLine(e.outputTail, `${e.argv[0] ?? 'the build'} exited ${e.processExitCode ?? '?'}`);
    return { status: 'errored', message: `does not build: ${why}${e.logFile ? ` (log: ${e.logFile})` : ''}`, buildSeconds: seconds('resolve', ...BUILDING_STEPS), runSeconds: 0 };
  }
  if (app.signal.aborted) throw new InterruptedError('interrupted: the bisect can be resumed by running the same command again');
  const r = report.results.find((x) => x.id === o.scenario.id);
  const specs = upstreamSpecCount(ctx.scenarios.find((x) => x.id === o.scenario.id));
  return { status: r?.status ?? 'errored', failedStep: r?.failedStep, message: r?.message, buildSeconds: seconds('resolve', ...BUILDING_STEPS), runSeconds: seconds('clusters'), ...(specs !== undefined ? { specs } : {}) };
}

/** The steps that compile: a failure there is a commit that does not build. */
const BUILDING_STEPS = ['upstream-specs', 'build'];

async function oneScenario(app: AppEnv, req: BisectRequest): Promise<Scenario> {
  const found = await runs.selectScenarios(app, req, [req.scenario], 'plan');
  if (found.length !== 1) {
    throw new UsageError(`bisect needs exactly one scenario; "${req.scenario}" selects ${found.length}${found.length ? `: ${found.map((s) => s.id).join(', ')}` : ''}`, { hint: 'give a scenario id (kindlab run --list shows them)' });
  }
  return found[0]!;
}

/**
 * The provider to build for: the one asked for, else the cheapest whose capabilities fit the
 * scenario's needs at the bad end (the planner decides, as for a run, with every provider
 * assumed usable; whether one really is shows when the first commit is built).
 */
async function cheapestProvider(app: AppEnv, s: Scenario, asked: string, badEnd: { ref: string; kubeRoot: string }): Promise<string> {
  if (asked !== 'auto') return asked;
  const facts = await describeSource(app, badEnd);
  const all = Object.fromEntries(app.providers.names().map((n) => [n, true as const]));
  const p = plan([s], { version: semver.coerce(facts?.version ?? '')?.version ?? '0.0.0', description: facts?.description ?? badEnd.ref, sourceGates: facts?.sourceGates, providers: all, capabilities: app.providers.capabilities() });
  const chosen = p.clusters[0]?.provider;
  if (!chosen) throw new UsageError(`${s.id} does not apply at the bad end: ${p.skips[0]?.reason ?? 'skipped'}`, { hint: 'bisect a range where the scenario runs' });
  return chosen;
}

function readState(file: string): SavedState | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const s = JSON.parse(readFileSync(file, 'utf8')) as SavedState;
    return s.schema === 1 ? s : undefined;
  } catch {
    return undefined;
  }
}
