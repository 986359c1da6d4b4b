#!/usr/bin/env node
// Upstream specs: what the test binary of a commit costs, and what kindlab adds to running it.
//   1. `kindlab build --test-binaries` of the lab's release from a clone of the lab's checkout:
//      with the Go build cache the lab left (its own compile of the same tree), or with an empty one
//      (--cold: a whole e2e.test compile, ≈ 12 min on 2 cores);
//   2. the same for the next commit (one file of the API server's admission library changed):
//      the incremental build a bisect step or an edit pays (target ≤ 2 min here);
//   3. the run overhead: `kindlab run --cluster` of one upstream spec against a local control plane,
//      against e2e.test run by hand with the same focus and flags on the same cluster (target ≤ 10 s).
// Needs `npm run build` and lab/node/build.sh (the checkout, e2e.test, etcd).
// Usage: node bench/e2e-test-binary.mjs [--cold]
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const labCache = process.env.KINDLAB_LAB_CACHE ?? join(homedir(), '.cache/kindlab/lab');
const envFile = process.env.KINDLAB_LAB_NODE_ENV ?? join(labCache, 'node', 'lab-node.env');
if (!existsSync(envFile)) {
  console.log(`skipped: the lab's node ingredients are not built (${envFile}): run bash lab/node/build.sh first`);
  process.exit(0);
}
const lab = Object.fromEntries(readFileSync(envFile, 'utf8').split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
const version = lab.K8S_VERSION ?? 'v1.37.2';
const cold = process.argv.includes('--cold');

const work = mkdtempSync(join(tmpdir(), 'kl-bench-e2e-'));
const kube = join(work, 'kubernetes');
const home = join(work, 'home');
const env = { ...process.env, NO_COLOR: '1', KINDLAB_HOME: home, ...(cold ? { GOCACHE: join(work, 'gocache') } : {}) };
const kindlab = (args) => {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(repo, 'bin/kindlab.js'), ...args], { env, encoding: 'utf8', maxBuffer: 1 << 27 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`kindlab ${args.join(' ')} failed (exit ${r.status}):\n${(r.stderr ?? '').slice(-3000)}`);
  return { seconds, stdout: r.stdout, stderr: r.stderr };
};
const git = (...a) => execFileSync('git', ['-C', kube, ...a], { encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_DATE: '2026-12-01T00:00:00Z', GIT_COMMITTER_DATE: '2026-12-01T00:00:00Z', GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@kindlab.test', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@kindlab.test' } }).trim();
const phase = (stderr, re) => Number(re.exec(stderr)?.[1] ?? NaN);

try {
  execFileSync('git', ['clone', '-q', '--shared', lab.KUBE_ROOT, kube]);
  const first = kindlab(['build', '--test-binaries', version, '--kube-root', kube]);
  const testC = (s) => phase(s, /go test -c \.\/test\/e2e with .*\(([\d.]+)s\)\s*$/m);
  console.log(`test binaries of ${version} (${cold ? 'empty Go build cache' : "the lab's Go build cache"}): ${first.seconds.toFixed(1)}s, of it go test -c ${testC(first.stderr).toFixed(1)}s`);

  const file = join(kube, 'staging/src/k8s.io/apiserver/pkg/admission/plugin/policy/validating/typechecking.go');
  appendFileSync(file, '\n// bench: the next commit\n');
  git('commit', '-qam', 'bench: the next commit');
  const next = kindlab(['build', '--test-binaries', 'HEAD', '--kube-root', kube]);
  const incr = testC(next.stderr);
  console.log(`test binaries of the next commit (incremental): ${next.seconds.toFixed(1)}s, of it go test -c ${incr.toFixed(1)}s (target ≤ 120s) ${next.seconds <= 120 ? 'OK' : 'SLOW'}`);
  const again = kindlab(['build', '--test-binaries', 'HEAD', '--kube-root', kube]);
  console.log(`the same commit again (cache hit): ${again.seconds.toFixed(1)}s`);

  // Run overhead on one local control plane of the lab release.
  const binDir = join(labCache, `k8s-${version}`, 'bin');
  kindlab(['up', '--provider', 'local', '--name', 'bench-e2e', '--bin-dir', binDir]);
  try {
    const kubeconfig = join(home, 'clusters', 'bench-e2e', 'kubeconfig');
    const focus = 'ValidatingAdmissionPolicy \\[Privileged:ClusterAdmin\\] should validate against a Deployment';
    const reportDir = join(work, 'by-hand');
    const byHand = [];
    const viaKindlab = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const r = spawnSync(join(binDir, 'e2e.test'), ['--provider=skeleton', `--kubeconfig=${kubeconfig}`, '--disable-log-dump=true', `--report-dir=${reportDir}`, `--kubectl-path=${join(binDir, 'kubectl')}`, '--allowed-not-ready-nodes=-1', '--num-nodes=0', `--ginkgo.focus=${focus}`, '--ginkgo.silence-skips', '--ginkgo.no-color'], { encoding: 'utf8', env: { ...process.env, KUBECONFIG: kubeconfig }, maxBuffer: 1 << 27 });
      if (r.status !== 0) throw new Error(`e2e.test by hand failed (exit ${r.status}):\n${(r.stdout ?? '').slice(-3000)}`);
      byHand.push((performance.now() - t0) / 1000);
      viaKindlab.push(kindlab(['run', '--cluster', 'bench-e2e', `e2e:${focus}`]).seconds);
    }
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const overhead = median(viaKindlab) - median(byHand);
    console.log(`one spec by hand: median ${median(byHand).toFixed(1)}s; through kindlab run: median ${median(viaKindlab).toFixed(1)}s`);
    console.log(`run overhead kindlab adds: ${overhead.toFixed(1)}s (target ≤ 10s) ${overhead <= 10 ? 'OK' : 'SLOW'}`);
  } finally {
    spawnSync(process.execPath, [join(repo, 'bin/kindlab.js'), 'down', 'bench-e2e'], { env, stdio: 'ignore' });
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
