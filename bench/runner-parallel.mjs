#!/usr/bin/env node
// Scenario runner parallelism against a real API server (local provider, lab binaries): N scenarios
// that each sleep a known time, run by `kindlab run --parallel N`. Prints wall time against the sum
// of the scenarios' durations and the slowest one; the target is wall ≤ 1.3 × slowest + start-up,
// where start-up is the wall time of `kindlab run` with one scenario that does nothing.
// Needs `npm run build` and the lab binaries (npm run lab, or KINDLAB_LAB_BIN).
// Usage: node bench/runner-parallel.mjs [N=6] [base seconds=2]   (durations base, base+1, …)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const cli = join(root, 'bin', 'kindlab.js');
const { LocalProvider, defaultLabBinDir } = await import(join(dist, 'cluster/local/provider.js'));
const { StateStore } = await import(join(dist, 'state/store.js'));
const { ExecaRunner } = await import(join(dist, 'exec/runner.js'));
const { emptyProfile } = await import(join(dist, 'cluster/profile.js'));
const { silentLogger } = await import(join(dist, 'util/logger.js'));

const binDir = process.env.KINDLAB_LAB_BIN || defaultLabBinDir();
if (!binDir) {
  console.log('skipped: no lab binaries (run `npm run lab` or set KINDLAB_LAB_BIN)');
  process.exit(0);
}
const n = Number(process.argv[2] ?? 6);
const base = Number(process.argv[3] ?? 2);

// A scenario that touches the API (create, read back) around a sleep of `seconds`.
const scenario = (id, seconds) => `import { defineScenario } from 'kindlab';
export default defineScenario({
  id: '${id}',
  title: 'sleeps ${seconds}s between API calls',
  async run(ctx) {
    await ctx.step('create', () => ctx.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bench' }, data: { s: '${seconds}' } }));
    await ctx.step('sleep ${seconds}s', () => new Promise((r) => setTimeout(r, ${seconds * 1000})));
    await ctx.step('read back', async () => ctx.assert.matches(await ctx.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'bench' }), { data: { s: '${seconds}' } }));
  },
});
`;

const home = mkdtempSync(join(tmpdir(), 'kl-bench-runner-'));
const store = new StateStore(home);
const ctx = { runner: new ExecaRunner(), store, log: silentLogger };
const provider = new LocalProvider();
const env = { ...process.env, KINDLAB_HOME: home, CI: '1', NO_COLOR: '1' };

function kindlabRun(dir, parallel, report) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [cli, 'run', '--cluster', 'bench', '--scenarios-dir', dir, '--no-builtin', '--parallel', String(parallel), '--json', report], { env, encoding: 'utf8' });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) {
    console.log(`kindlab run exited ${r.status}\n${r.stdout}\n${r.stderr}`);
    throw new Error('kindlab run failed');
  }
  return { wall, report: JSON.parse(readFileSync(report, 'utf8')) };
}

try {
  const t0 = performance.now();
  await provider.create({ name: 'bench', profile: emptyProfile(), binDir }, ctx);
  console.log(`local cluster up in ${((performance.now() - t0) / 1000).toFixed(1)}s [${binDir}]`);

  const noop = join(home, 'noop');
  mkdirSync(noop);
  writeFileSync(join(noop, 'noop.ts'), scenario('noop', 0));
  const startup = kindlabRun(noop, 1, join(home, 'noop.json')).wall;

  const dir = join(home, 'sleepers');
  mkdirSync(dir);
  const durations = Array.from({ length: n }, (_, i) => base + i);
  durations.forEach((d, i) => writeFileSync(join(dir, `sleep-${i + 1}.ts`), scenario(`sleep-${i + 1}`, d)));
  const { wall, report } = kindlabRun(dir, n, join(home, 'par.json'));
  const passed = report.results.filter((r) => r.status === 'passed').length;
  const each = report.results.map((r) => r.durationMs / 1000);
  const sum = each.reduce((a, b) => a + b, 0);
  const slowest = Math.max(...each);
  const budget = 1.3 * slowest + startup;
  console.log(`start-up (kindlab run, one no-op scenario): ${startup.toFixed(1)}s`);
  console.log(`${n} scenarios sleeping ${durations.join(', ')}s with --parallel ${n}: ${passed}/${n} passed`);
  console.log(`  wall ${wall.toFixed(1)}s (runner ${(report.durationMs / 1000).toFixed(1)}s) vs sum ${sum.toFixed(1)}s vs slowest ${slowest.toFixed(1)}s`);
  console.log(`  target wall ≤ 1.3 × slowest + start-up = ${budget.toFixed(1)}s: ${wall <= budget ? 'OK' : 'SLOW'}; speed-up over sequential ×${(sum / (report.durationMs / 1000)).toFixed(2)}`);
} finally {
  for (const rec of store.listClusters()) await provider.delete(rec, ctx).catch(() => undefined);
  rmSync(home, { recursive: true, force: true });
}
