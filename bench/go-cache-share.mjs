#!/usr/bin/env node
// Does the node-image build reuse the lab's compile of the same tree? With an empty Go build cache:
//   A. the lab build of the release's node binaries from its checkout (npm run lab -- --kube-root, as lab/node/build.sh runs it), then
//   B. `kindlab build` of the node image from that checkout, same cache, with GOFLAGS=-x: it should
//      compile no Kubernetes package again — the compiler invocations `go build -x` logs are
//      counted (a cache hit runs none), and the new cache entries it adds — then
//   C. (baseline) `kindlab build` alone with another empty Go build cache.
// B's go build phase should take ≤ 25 % of C's. Needs lab/node/build.sh to have run (the checkout,
// base image and images); takes ≈ 2 cold compiles (25–30 min on 2 cores).
// Usage: node bench/go-cache-share.mjs [--no-baseline]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const envFile = process.env.KINDLAB_LAB_NODE_ENV ?? join(process.env.KINDLAB_LAB_CACHE ?? join(homedir(), '.cache/kindlab/lab'), 'node', 'lab-node.env');
if (!existsSync(envFile)) {
  console.error(`the lab's node ingredients are not built (${envFile}): run bash lab/node/build.sh first`);
  process.exit(3);
}
const lab = Object.fromEntries(readFileSync(envFile, 'utf8').split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
const version = lab.K8S_VERSION ?? 'v1.37.2';
const baseline = !process.argv.includes('--no-baseline');

/** Entries of a Go build cache: one output file (`…-d`) per cached action (compiles, mostly). */
function cacheEntries(dir) {
  let n = 0;
  for (const sub of existsSync(dir) ? readdirSync(dir) : []) {
    if (sub.length !== 2) continue;
    for (const f of readdirSync(join(dir, sub))) if (f.endsWith('-d')) n++;
  }
  return n;
}
function run(label, argv, env) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, argv, { cwd: repo, env: { ...process.env, NO_COLOR: '1', ...env }, encoding: 'utf8', maxBuffer: 1 << 27 });
  const s = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${label} failed (exit ${r.status}):\n${(r.stderr ?? '').slice(-3000)}`);
  // the go build phase's own time, from kindlab's progress line "✓ go build 7 binaries with … (12.3s)"
  const phase = /✓ go build \d+ binaries[^\n]*\((\d+(?:\.\d+)?)s\)/.exec(r.stderr ?? '');
  return { s, goPhase: phase ? Number(phase[1]) : undefined };
}
const fmt = (s) => (s === undefined ? 'n/a' : s >= 90 ? `${(s / 60).toFixed(1)} min (${Math.round(s)} s)` : `${s.toFixed(1)} s`);
const temps = [];
const temp = (p) => {
  const d = mkdtempSync(join(tmpdir(), p));
  temps.push(d);
  return d;
};
const nodeBuild = (goCache, extraEnv = {}) => {
  const home = temp('kl-bench-home-');
  const r = run('kindlab build', [join(repo, 'bin', 'kindlab.js'), 'build', version, '--kube-root', lab.KUBE_ROOT, '--base-image', lab.BASE_IMAGE, '--images', lab.IMAGES_DIR, '--force', '-o', 'json'], { GOCACHE: goCache, KINDLAB_HOME: home, ...extraEnv });
  return { ...r, ...toolRuns(home) };
};
/** What `go build -x` logged into the build's log files under a kindlab home: compiler and linker runs. */
function toolRuns(home) {
  const logs = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith('.log')) logs.push(join(d, e.name));
    }
  };
  walk(home);
  const text = logs.map((f) => readFileSync(f, 'utf8')).join('\n');
  // -x prints each tool it runs as a command line: ".../pkg/tool/<os_arch>/compile -o $WORK/b001/_pkg_.a …"
  const compiles = text.split('\n').filter((l) => /\/compile -o /.test(l));
  const packages = compiles.map((l) => /-p (\S+)/.exec(l)?.[1]).filter(Boolean);
  return { compiles: compiles.length, links: text.split('\n').filter((l) => /\/link -o /.test(l)).length, kubePackages: packages.filter((p) => p.startsWith('k8s.io/')), logs: logs.length };
}

try {
  console.log(`Kubernetes ${version}, tree ${lab.KUBE_ROOT}`);
  const shared = temp('kl-bench-gocache-');
  // the node's seven binaries, as lab/node/build.sh asks for them (a bare lab build compiles the control plane and kubectl)
  const nodeBinaries = 'kubeadm,kubelet,kubectl,kube-apiserver,kube-controller-manager,kube-scheduler,kube-proxy';
  const a = run('lab build', [join(repo, 'dist', 'lab', 'cli.js'), '--k8s-version', version, '--kube-root', lab.KUBE_ROOT, '--components', nodeBinaries, '--cache', temp('kl-bench-lab-'), '--force'], { GOCACHE: shared });
  const afterA = cacheEntries(shared);
  console.log(`A. lab build from the tree, empty Go cache:       ${fmt(a.s)}; Go cache entries: ${afterA}`);
  const b = nodeBuild(shared, { GOFLAGS: '-x' });
  const added = cacheEntries(shared) - afterA;
  console.log(`B. node-image build next, same Go cache:          ${fmt(b.s)} (go build phase ${fmt(b.goPhase)}); new Go cache entries: ${added}`);
  console.log(`   go build -x of B (${b.logs} log files): ${b.compiles} compiler runs (${b.kubePackages.length} of k8s.io/ packages${b.kubePackages.length ? ': ' + b.kubePackages.slice(0, 10).join(' ') : ''}), ${b.links} linker runs`);
  if (baseline) {
    const c = nodeBuild(temp('kl-bench-gocache-'));
    console.log(`C. node-image build alone, empty Go cache:        ${fmt(c.s)} (go build phase ${fmt(c.goPhase)})`);
    const num = b.goPhase ?? b.s;
    const den = c.goPhase ?? c.s;
    console.log(`B / C: ${((100 * num) / den).toFixed(1)} % of the ${b.goPhase !== undefined ? 'go build phase' : 'whole build'} (target ≤ 25 %)`);
  }
} finally {
  for (const d of temps) {
    spawnSync('chmod', ['-R', 'u+w', d]);
    rmSync(d, { recursive: true, force: true });
  }
}
