// `kindlab bisect` on real Kubernetes code: a clone of the lab's checkout (a real k8s.io/kubernetes
// tree tagged v1.37.2) with commits made here on top: harmless ones, one that does not compile,
// its fix, and the culprit, which rewords PriorityClass validation. Every step builds real
// kube-apiserver / kube-controller-manager / kube-scheduler binaries from that commit (the
// scenario needs only the API, so the local provider is the cheapest fit) and runs the scenario
// against a real API server.
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kindlabBin, repoRoot } from '../helpers/env.js';
import { env, kindlabLong, labNode, leftoverWorktrees, tierHome, whyNotReady } from '../helpers/kind-tier.js';
import { unavailable } from '../helpers/unavailable.js';

const d = whyNotReady ? describe.skip : describe;
if (whyNotReady) unavailable('bisect on real commits', whyNotReady);

const fixtures = resolve(repoRoot, 'test/fixtures/bisect-scenarios');
const VALIDATION = 'pkg/apis/scheduling/validation/validation.go';

d('kindlab bisect on real Kubernetes commits', () => {
  const lab = labNode!;
  const repo = mkdtempSync(join(tmpdir(), 'kl-bisect-kube-'));
  const out = mkdtempSync(join(tmpdir(), 'kl-bisect-out-'));
  afterAll(() => {
    rmSync(repo, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });
  // Fixed dates and identity: the same commits (SHAs) every run, so the binaries built for them
  // are reused from the components cache instead of piling up in it run after run.
  const gitEnv = { ...process.env, GIT_AUTHOR_DATE: '2026-11-24T00:00:00Z', GIT_COMMITTER_DATE: '2026-11-24T00:00:00Z' };
  const git = (...a: string[]): string => execFileSync('git', ['-C', repo, ...a], { encoding: 'utf8', env: gitEnv }).trim();
  const commit = (subject: string, edit: () => void): string => {
    edit();
    git('commit', '-qam', subject);
    return git('rev-parse', 'HEAD');
  };
  const bisect = (args: string[]) => kindlabLong(['bisect', ...args, '--kube-root', repo, '--scenarios-dir', fixtures, '--no-builtin']);

  // The history: v1.37.2, then five commits.
  execFileSync('git', ['clone', '-q', '--shared', lab.kubeRoot, repo]);
  git('config', 'user.email', 'bisect@kindlab.test');
  git('config', 'user.name', 'kindlab bisect test');
  const source = readFileSync(join(repo, VALIDATION), 'utf8');
  const c = {
    docs: commit('docs: a note in the README', () => appendFileSync(join(repo, 'README.md'), '\nA note.\n')),
    broken: commit('scheduling: work in progress (does not compile)', () => writeFileSync(join(repo, VALIDATION), `${source}\nvar _ = notDefinedAnywhere\n`)),
    fixed: commit('scheduling: fix the build', () => writeFileSync(join(repo, VALIDATION), source)),
    culprit: commit('scheduling: reword the PriorityClass value limit message', () =>
      writeFileSync(join(repo, VALIDATION), source.replace('maximum allowed value of a user defined priority is %v', 'a user defined priority may be at most %v')),
    ),
    later: commit('docs: another note', () => appendFileSync(join(repo, 'README.md'), '\nAnother note.\n')),
  };
  const head = git('rev-parse', 'HEAD');

  it('refuses bad input before building anything', () => {
    const reversed = bisect(['priorityclass-limit', '--good', 'HEAD', '--bad', lab.version]);
    expect(reversed.code).toBe(2);
    expect(reversed.stderr).toMatch(/comes after --bad v1\.37\.2: they are the wrong way round/);
    expect(reversed.stderr).toMatch(/hint: swap them: --good v1\.37\.2 --bad HEAD/);
    const unknown = bisect(['priorityclass-limit', '--good', 'v0.0.0-nowhere', '--bad', 'HEAD']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown ref "v0\.0\.0-nowhere"/);
    const none = bisect(['no-such-scenario', '--good', lab.version, '--bad', 'HEAD']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/selector "no-such-scenario" matches no scenario/);
    const several = kindlabLong(['bisect', '*', '--good', lab.version, '--bad', 'HEAD', '--kube-root', repo]);
    expect(several.code).toBe(2);
    expect(several.stderr).toMatch(/bisect needs exactly one scenario; "\*" selects/);
    const missing = kindlabLong(['bisect', 'priorityclass-limit', '--good', lab.version]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--bad is missing/);
  });

  it('--dry-run prints the plan and the number of steps, and builds nothing', () => {
    const r = bisect(['priorityclass-limit', '--good', lab.version, '--bad', 'HEAD', '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/5 commit\(s\) on the first-parent history/);
    expect(r.stdout).toMatch(/build control-plane binaries .* for the local provider/);
    // The two ends, then ceil(log2(4 + 1)) = 3.
    expect(r.stdout).toMatch(/steps: at most 5 \(the two ends, then 3 to bisect/);
    expect(r.stderr).not.toMatch(/go build/);
  });

  it('names the culprit, skipping the commit that does not compile, and leaves the checkout as it was', () => {
    const json = join(out, 'bisect.json');
    const r = bisect(['priorityclass-limit', '--good', lab.version, '--bad', 'HEAD', '--json', json]);
    expect(r.code, r.stderr.slice(-3000)).toBe(0);
    expect(r.stdout).toContain(`first commit where priorityclass-limit changes: ${c.culprit}`);
    expect(r.stdout).toContain('scheduling: reword the PriorityClass value limit message');
    expect(r.stdout).toMatch(/there: \[a value of 2000000000 is refused, naming the limit\] validation of PriorityClass\.value/);
    const result = JSON.parse(readFileSync(json, 'utf8')) as { steps: Array<{ commit: string; status: string; verdict: string; reason: string; buildSeconds: number; runSeconds: number }>; answer: { commit: string } };
    expect(result.answer.commit).toBe(c.culprit);
    const step = (sha: string) => result.steps.find((s) => s.commit === sha);
    // The commit that does not compile is skipped, not counted as bad.
    expect(step(c.broken)).toMatchObject({ status: 'errored', verdict: 'skip', reason: expect.stringMatching(/not a verdict on the feature: does not build: pkg\/apis\/scheduling\/validation\/validation.go:\d+:\d+: undefined: notDefinedAnywhere/) });
    expect(step(c.culprit)).toMatchObject({ status: 'failed', verdict: 'bad' });
    expect(step(c.fixed)).toMatchObject({ status: 'passed', verdict: 'good' });
    expect(step(c.docs)).toBeUndefined();
    expect(result.steps.map((s) => s.commit)).toEqual([expect.any(String), head, c.broken, c.fixed, c.culprit]);
    for (const s of result.steps) console.log(`bisect step ${s.commit.slice(0, 12)} ${s.status} ${s.verdict}: build ${s.buildSeconds.toFixed(1)}s, run ${s.runSeconds.toFixed(1)}s`);
    // The user's checkout: same HEAD, clean, no worktree left registered.
    expect(git('rev-parse', 'HEAD')).toBe(head);
    expect(git('status', '--porcelain')).toBe('');
    expect(git('worktree', 'list').split('\n')).toHaveLength(1);

    // Again: every result was saved, so nothing is built or run.
    const again = bisect(['priorityclass-limit', '--good', lab.version, '--bad', 'HEAD']);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/resuming: 5 commit\(s\) already tested/);
    expect(again.stderr).not.toMatch(/go build|up local cluster/);
    expect(again.stdout).toContain(`first commit where priorityclass-limit changes: ${c.culprit}`);
  });

  it('Ctrl-C mid-bisect leaves no cluster, worktree or process, and the same command resumes', async () => {
    // A second bisect of the same history (from the docs commit): the builds are cached by commit,
    // so each step is a cluster up, a run and a cluster down. Ctrl-C during the third bring-up.
    const args = ['bisect', 'priorityclass-limit', '--good', c.docs, '--bad', 'HEAD', '--kube-root', repo, '--scenarios-dir', fixtures, '--no-builtin'];
    const child = spawn(process.execPath, [kindlabBin, ...args], { env: { ...process.env, NO_COLOR: '1', ...env() } });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const started = Date.now();
    while ((stderr.match(/▸ up local cluster/g) ?? []).length < 3 && Date.now() - started < 600_000) await new Promise((r) => setTimeout(r, 200));
    expect((stderr.match(/▸ up local cluster/g) ?? []).length).toBe(3);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toMatch(/the bisect can be resumed by running the same command again|interrupted/);
    const list = (d: string): string[] => (existsSync(d) ? readdirSync(d) : []);
    expect(list(join(tierHome, 'clusters')).filter((n) => n.startsWith('kl-bisect-'))).toEqual([]);
    expect(leftoverWorktrees(list(join(tierHome, 'worktrees')))).toEqual([]);
    expect(execFileSync('ps', ['-eo', 'args='], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(join(tierHome, 'clusters')))).toEqual([]);

    const again = kindlabLong(args);
    expect(again.code, again.stderr.slice(-2000)).toBe(0);
    expect(again.stderr).toMatch(/resuming: 2 commit\(s\) already tested/);
    expect(again.stdout).toContain(`first commit where priorityclass-limit changes: ${c.culprit}`);
  });

  it('refuses a range where the scenario behaves the same at both ends', () => {
    // Both ends were built above (cached by commit).
    const r = bisect(['priorityclass-limit', '--good', lab.version, '--bad', c.fixed]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot bisect priorityclass-limit between v1\.37\.2 and [0-9a-f]{40}: the scenario passes at both ends; there is no change to find/);
  });
});
