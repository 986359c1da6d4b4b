// `kindlab test [ref] [selector...]`: build (for a ref) → plan → up every planned cluster → run →
// down. Every cluster runs the run's one target version (see src/scenario/target.ts). A cluster
// that does not come up errors its own scenarios and the run goes on (unless --fail-fast); the
// report has every scenario. A failure or Ctrl-C at any point deletes what was created, unless --keep.
import type { Command } from 'commander';
import { createPhases } from '../util/phases.js';
import { isKindlabError, ProcessError } from '../errors.js';
import type { CliContext } from './context.js';
import type { CommandModule } from './main.js';
import { addTargetFlags } from './target-flags.js';
import { parsePositive } from './run.js';
import type { TargetFlags } from '../scenario/target.js';
import type { ClusterRecord } from '../state/records.js';
import type { ClusterSummary, ScenarioResult } from '../report/model.js';

interface TestFlags extends TargetFlags {
  scenariosDir: string[];
  builtin: boolean;
  parallel: string;
  timeout?: string;
  keep?: boolean;
  failFast?: boolean;
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
    .option('--fail-fast', 'stop at the first cluster that does not come up or scenario that fails or errors: create no further cluster (their scenarios are reported as skipped)')
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

The first argument is taken as a ref when it is not a selector (tag:, kep:, a glob or a scenario id).

Target version: a run has one, and every cluster it creates runs it.
  <ref> / --ref    local clusters run components built from the ref, kind clusters a node image built from it
  --image          kind clusters run that image; --k8s-version V: kind's published kindest/node:V
  none of these    the version of the local binaries (--bin-dir, else the lab's from npm run lab); kind
                   clusters run a node image of exactly that version: one kindlab built (kindlab build),
                   else kindest/node:<version> if docker already has it; if there is none, the run stops
                   before creating anything and says how to get one
Local binaries of another version than --image are used beside it only as an explicit choice (--image,
or --bin-dir with --k8s-version); the run header and kindlab plan then show both versions. kindlab plan
shows the image each kind cluster will use.

Results: PASSED, FAILED (the feature did not behave), ERRORED (not a verdict on the feature: e.g. the
cluster did not come up — the run goes on with the other clusters), SKIPPED (does not apply, or not run
after --fail-fast), INTERRUPTED (Ctrl-C). Exit code 0 when all passed or skipped, 1 when any failed or
errored, 130 when interrupted.`,
    )
    .action(run(async () => handler));
};

/** A cluster's error as text: the message, the tail of the tool's output, its log and the hint. */
export function clusterErrorText(e: unknown): string {
  const err = e instanceof Error ? e : new Error(String(e));
  // The first line is what the summary table shows: the message and the tool's own ERROR line.
  const key = isKindlabError(err) && err.detail ? [...err.detail.split('\n')].reverse().find((l) => /^ERROR: /.test(l.trim())) : undefined;
  const because = key ? key.trim().replace(/^ERROR: (failed to create cluster: )?/, '') : '';
  const lines = [because ? `${err.message}: ${because.length > 200 ? `${because.slice(0, 200)}…` : because}` : err.message];
  if (isKindlabError(err)) {
    if (err.detail) lines.push(...err.detail.trim().split('\n').slice(-12).map((l) => `  | ${l}`));
    if (err instanceof ProcessError && err.logFile) lines.push(`full log: ${err.logFile}`);
    if (err.hint) lines.push(`hint: ${err.hint}`);
  }
  return lines.join('\n');
}

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

  const { resolveTarget, planRun, providerVersion } = await import('../scenario/target.js');
  const resolved = await resolveTarget(ctx, { ...flags, ref }, true, phases);
  const p = planRun(scenarios, resolved, `kl-${runId}`);
  ctx.io.stderr(`run ${runId}: target${resolved.split ? 's' : ''} ${p.target.description}; ${p.clusters.length} cluster(s), ${p.skips.length} scenario(s) skipped\n`);
  const kindClusters = p.clusters.filter((c) => c.provider === 'kind');
  if (kindClusters.length) {
    if (!resolved.image && resolved.imageMissing) {
      // Before anything is created: no node image of the target version for the kind clusters.
      const { missingNodeImageError } = await import('../cluster/node-image.js');
      throw missingNodeImageError(resolved.imageMissing, kindClusters);
    }
    if (resolved.image) ctx.io.stderr(`  kind clusters: image ${resolved.image}${resolved.imageSource ? ` (${resolved.imageSource})` : ''}\n`);
  }
  for (const s of p.skips) ctx.io.stderr(`  skip ${s.id}: ${s.reason}\n`);
  for (const c of p.clusters) for (const [id, chosen] of Object.entries(c.chosen)) for (const u of chosen.unknown) ctx.io.stderr(`  unknown for ${id}: ${u}\n`);

  const { getProvider } = await import('../cluster/providers.js');
  const opts = session.executeOptions(ctx, runId, { ...flags, parallel, timeoutSeconds });
  const byId = new Map(scenarios.map((s) => [s.id, s]));
  const created: ClusterRecord[] = [];
  const results: ScenarioResult[] = [];
  const clusters: ClusterSummary[] = [];
  let stoppedAfter: string | undefined; // --fail-fast
  try {
    for (const c of p.clusters) {
      const which = c.provider;
      if (which === 'existing') continue;
      const own = c.scenarios.map((id) => byId.get(id)!);
      const version = `v${providerVersion(resolved, which)}`;
      const image = c.provider === 'kind' ? resolved.image : undefined;
      if (ctx.signal.aborted) {
        // Ctrl-C: create nothing more; finally{} deletes what exists.
        results.push(...own.map((s) => session.notRun(s, c.name, 'interrupted', `not run: interrupted before cluster ${c.name} was created`)));
        continue;
      }
      if (stoppedAfter) {
        results.push(...own.map((s) => session.notRun(s, c.name, 'skipped', `not run: --fail-fast stopped the run after ${stoppedAfter}`)));
        continue;
      }
      const provider = await getProvider(which);
      let rec: ClusterRecord;
      try {
        rec = await phases.run(`up ${c.provider} cluster ${c.name} for ${c.scenarios.length} scenario(s)`, () =>
          provider.create(
            {
              name: c.name,
              profile: c.profile,
              image,
              binDir: c.provider === 'local' ? resolved.binDir : undefined,
              kubernetesVersion: providerVersion(resolved, which),
              commit: resolved.commit,
              waitSeconds: 180,
            },
            { runner: ctx.runner, store: ctx.store, log: ctx.log, signal: ctx.signal },
          ),
        );
      } catch (e) {
        // The provider removed what it half-created. Its scenarios are errored (or interrupted);
        // the run goes on with the other clusters.
        const interrupted = ctx.signal.aborted;
        const text = interrupted ? 'interrupted while it was coming up' : clusterErrorText(e);
        if (!interrupted) ctx.io.stderr(`${text.replace(/^/gm, '  ')}\n`);
        clusters.push({ name: c.name, provider: c.provider, version, image, error: text });
        results.push(...own.map((s) => session.notRun(s, c.name, interrupted ? 'interrupted' : 'errored', `cluster ${c.name} (${c.provider}) did not come up: ${text}`)));
        if (flags.failFast) stoppedAfter = `cluster ${c.name} did not come up`;
        continue;
      }
      created.push(rec);
      try {
        const target = await session.targetFromRecord(ctx, rec);
        clusters.push({ name: rec.name, provider: rec.provider, version: target.info.gitVersion, image: rec.image });
        const got = await session.executeOnTarget(ctx, own, target, opts);
        results.push(...got);
        const bad = got.find((r) => r.status === 'failed' || r.status === 'errored');
        if (flags.failFast && bad) stoppedAfter = `${bad.id} ${bad.status} on ${rec.name}`;
      } catch (e) {
        // Up, but not usable (its API cannot be read): an error of the cluster, not of the features.
        const interrupted = ctx.signal.aborted;
        const text = interrupted ? 'interrupted' : clusterErrorText(e);
        clusters.push({ name: rec.name, provider: rec.provider, version, image, error: `came up but cannot be used: ${text}` });
        results.push(...own.map((s) => session.notRun(s, c.name, interrupted ? 'interrupted' : 'errored', `cluster ${c.name} (${c.provider}) came up but cannot be used: ${text}`)));
        if (flags.failFast) stoppedAfter = `cluster ${c.name} could not be used`;
      }
      if (!opts.keep) {
        try {
          await phases.run(`down ${rec.name}`, () => provider.delete(rec, { runner: ctx.runner, store: ctx.store, log: ctx.log }));
          created.splice(created.indexOf(rec), 1);
        } catch (e) {
          ctx.log.warn(`could not delete ${rec.name}: ${(e as Error).message} (retrying at the end)`);
        }
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
