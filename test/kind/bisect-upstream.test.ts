// `kindlab bisect` judged by an upstream spec: a clone of the lab's checkout (v1.37.2) with two
// commits made here — the culprit, where the controller that writes ValidatingAdmissionPolicy's
// type-check warnings into its status files a messageExpression warning under the wrong field
// (`message`), and a later harmless one. The culprit is in kube-controller-manager's own package,
// which only its command imports: on a cold Go build cache a step recompiles three packages, where a
// change in the API server's admission plugin recompiled most of Kubernetes and e2e.test (344 s
// cold, 51 s warm, on a machine that compiles slowly). Each step builds that commit's
// control-plane binaries and its own e2e.test from the same worktree (the Go build cache makes the
// second commit's build incremental), brings up a local control plane and runs upstream's
// "should type check validation expressions" spec, which checks the field each warning names.
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kindlabLong, labNode, whyNotReady } from '../helpers/kind-tier.js';
import { unavailable } from '../helpers/unavailable.js';

const d = whyNotReady ? describe.skip : describe;
if (whyNotReady) unavailable('bisect on an upstream spec', whyNotReady);

const STATUS_CONTROLLER = 'pkg/controller/validatingadmissionpolicystatus/controller.go';
// One spec; its name holds brackets, so they are escaped in the focus.
const SPEC = 'e2e:ValidatingAdmissionPolicy \\[Privileged:ClusterAdmin\\] should type check validation expressions';

d('kindlab bisect judged by an upstream spec', () => {
  const lab = labNode!;
  const repo = mkdtempSync(join(tmpdir(), 'kl-bisect-e2e-kube-'));
  const out = mkdtempSync(join(tmpdir(), 'kl-bisect-e2e-out-'));
  afterAll(() => {
    rmSync(repo, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });
  // Fixed dates and identity: the same SHAs every run, so their builds are cache hits next time.
  const gitEnv = { ...process.env, GIT_AUTHOR_DATE: '2026-12-01T00:00:00Z', GIT_COMMITTER_DATE: '2026-12-01T00:00:00Z' };
  const git = (...a: string[]): string => execFileSync('git', ['-C', repo, ...a], { encoding: 'utf8', env: gitEnv }).trim();
  execFileSync('git', ['clone', '-q', '--shared', lab.kubeRoot, repo]);
  git('config', 'user.email', 'bisect@kindlab.test');
  git('config', 'user.name', 'kindlab bisect test');
  const source = readFileSync(join(repo, STATUS_CONTROLLER), 'utf8');
  expect(source).toContain('WithFieldRef(warning.FieldRef).');
  expect(source).toContain('\t"fmt"\n');
  writeFileSync(
    join(repo, STATUS_CONTROLLER),
    source.replace('\t"fmt"\n', '\t"fmt"\n\t"strings"\n').replace('WithFieldRef(warning.FieldRef).', 'WithFieldRef(strings.TrimSuffix(warning.FieldRef, "Expression")).'),
  );
  git('commit', '-qam', 'admission: name the message field in type-check warnings');
  const culprit = git('rev-parse', 'HEAD');
  appendFileSync(join(repo, 'README.md'), '\nA note.\n');
  git('commit', '-qam', 'docs: a note in the README');
  const head = git('rev-parse', 'HEAD');

  it('builds each commit\'s e2e.test beside its binaries and names the commit that breaks the spec', () => {
    const json = join(out, 'bisect.json');
    const r = kindlabLong(['bisect', SPEC, '--good', lab.version, '--bad', 'HEAD', '--kube-root', repo, '--provider', 'local', '--json', json]);
    expect(r.code, r.stderr.slice(-4000)).toBe(0);
    expect(r.stdout).toContain(`first commit where ${SPEC} changes: ${culprit}`);
    expect(r.stdout).toContain('admission: name the message field in type-check warnings');
    expect(r.stdout).toMatch(/judged by 1 upstream spec\(s\) per commit/);
    // the failure is the spec's own, with Ginkgo's location in test/e2e
    expect(r.stdout).toMatch(/there: .*should type check validation expressions.*test\/e2e\/apimachinery\/validatingadmissionpolicy\.go:\d+/);
    // each commit's specs ran from that commit's own e2e.test (built from its worktree now, or a
    // cache hit of an earlier run: the fixed dates keep the SHAs, and the kind tier's home is kept)
    const output = `${r.stdout}\n${r.stderr}`;
    for (const commit of [head, culprit]) expect(output).toContain(`/test-binaries/${commit}/bin/e2e.test`);
    expect(output).toMatch(/go test -c \.\/test\/e2e with go1\.\d+|cache hit: e2e\.test, ginkgo, kubectl of this commit/);
    const result = JSON.parse(readFileSync(json, 'utf8')) as { steps: Array<{ commit: string; status: string; verdict: string; specs?: number; buildSeconds: number }>; answer: { commit: string } };
    expect(result.answer.commit).toBe(culprit);
    expect(result.steps.map((s) => [s.commit, s.status, s.verdict, s.specs])).toEqual([
      [expect.any(String), 'passed', 'good', 1],
      [head, 'failed', 'bad', 1],
      [culprit, 'failed', 'bad', 1],
    ]);
    for (const s of result.steps) console.log(`bisect step ${s.commit.slice(0, 12)} ${s.status}: build ${s.buildSeconds.toFixed(1)}s (components and test binaries)`);
    expect(git('worktree', 'list').split('\n')).toHaveLength(1);
  });
});
