#!/usr/bin/env node
// Benchmark (prints figures, asserts nothing): `kindlab --help` start-up against `node -e 0`
// (target ≤ 1.5x), and a repeated `kindlab build` of an already-built commit (target < 1 s).
// The build uses a real git repository and real docker; the kind step runs through the
// substitute kind (this machine cannot build a real node image), and a cache hit never calls kind.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin/kindlab.js');
const runs = Number(process.env.BENCH_RUNS ?? 15);

function timeIt(args, env = {}) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { env: { ...process.env, ...env }, stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(samples.length / 2)], min: samples[0], max: samples[samples.length - 1] };
}

/**
 * CPU time (user + system) of `node <args>`, read with bash's `times` (its children's totals),
 * median of `runs`: the target is about CPU, which wall time on a busy machine overstates.
 */
function cpuOf(args) {
  const samples = [];
  const quoted = [process.execPath, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  for (let i = 0; i < runs; i++) {
    const r = spawnSync('bash', ['-c', `${quoted} >/dev/null 2>&1; times`], { encoding: 'utf8' });
    const children = r.stdout.trim().split('\n')[1] ?? '';
    const secs = [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce((a, m) => a + Number(m[1]) * 60 + Number(m[2]), 0);
    samples.push(secs * 1000);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(samples.length / 2)], min: samples[0], max: samples[samples.length - 1] };
}

const fmt = (s) => `median ${s.median.toFixed(0)} ms (min ${s.min.toFixed(0)}, max ${s.max.toFixed(0)}, n=${runs})`;
const baseline = timeIt(['-e', '0']);
const help = timeIt([bin, '--help']);
console.log(`node -e 0:         wall ${fmt(baseline)}`);
console.log(`kindlab --help:    wall ${fmt(help)}`);
const baseCpu = cpuOf(['-e', '0']);
const helpCpu = cpuOf([bin, '--help']);
console.log(`node -e 0:         cpu  ${fmt(baseCpu)}`);
console.log(`kindlab --help:    cpu  ${fmt(helpCpu)}`);
console.log(`ratio:             cpu ${(helpCpu.median / baseCpu.median).toFixed(2)}x, wall ${(help.median / baseline.median).toFixed(2)}x (target ≤ 1.5x of CPU)`);
// Every command that touches scenarios loads the catalogue first: compiled JavaScript for the
// built-in ones, a user's TypeScript transpiled once and cached by content.
const listCpu = cpuOf([bin, 'run', '--list']);
console.log(`kindlab run --list: cpu  ${fmt(listCpu)}; ${(listCpu.median / helpCpu.median).toFixed(2)}x of --help (target ≤ 2x)`);
const userDir = mkdtempSync(join(tmpdir(), 'kl-bench-scenarios-'));
for (let i = 0; i < 5; i++) {
  writeFileSync(join(userDir, `mine-${i}.ts`), `import { defineScenario, type ScenarioContext } from 'kindlab';\nexport default defineScenario({ id: 'mine-${i}', title: 'mine ${i}', async run(ctx: ScenarioContext) { ctx.log('x'); } });\n`);
}
const userCpu = cpuOf([bin, 'run', '--list', '--scenarios-dir', userDir]);
console.log(`run --list + 5 user .ts: cpu ${fmt(userCpu)}; ${(userCpu.median / helpCpu.median).toFixed(2)}x of --help (transpiled once, then from the cache)`);

const dockerOk = spawnSync('docker', ['info'], { stdio: 'ignore' }).status === 0;
if (!dockerOk) {
  console.log('repeated build:    skipped (docker daemon not reachable)');
  process.exit(0);
}
const home = mkdtempSync(join(tmpdir(), 'kl-bench-'));
const repo = mkdtempSync(join(tmpdir(), 'kl-bench-kube-'));
const git = (...a) => execFileSync('git', ['-C', repo, ...a], { encoding: 'utf8' });
git('init', '-q');
git('config', 'user.email', 'b@example.com');
git('config', 'user.name', 'bench');
writeFileSync(join(repo, 'go.mod'), 'module k8s.io/kubernetes\n');
git('add', '.');
git('commit', '-qm', 'x');
git('tag', 'v1.99.0-bench.0');
const img = 'kindlab-test/node:substitute';
if (spawnSync('docker', ['image', 'inspect', img], { stdio: 'ignore' }).status !== 0) {
  console.log(`repeated build:    skipped (${img} missing; run the integration tests once to create it)`);
  process.exit(0);
}
import { homedir } from 'node:os';
const tools = join(homedir(), '.cache/kindlab-tools/bin');
const env = { KINDLAB_HOME: home, KINDLAB_KIND: join(root, 'test/fixtures/substitute-kind/kind'), PATH: `${tools}:${process.env.PATH}` };
const first = spawnSync(process.execPath, [bin, 'build', '--builder', 'source', 'v1.99.0-bench.0', '--kube-root', repo], { env: { ...process.env, ...env }, encoding: 'utf8' });
if (first.status !== 0) throw new Error(first.stderr);
const hit = timeIt([bin, 'build', '--builder', 'source', 'v1.99.0-bench.0', '--kube-root', repo], env);
console.log(`repeated build:    ${fmt(hit)} (cache hit; target < 1000 ms)`);
spawnSync('docker', ['image', 'rm', 'kindlab/node:v1.99.0-bench.0'], { stdio: 'ignore' });
