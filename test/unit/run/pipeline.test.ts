// The run's steps (src/run/steps.ts) driven in memory through `test`, `matrix` and `bisect`, with
// TEST providers and a TEST cluster API (test/helpers/in-memory-app.ts): for each step, what a
// failure there does to the report, the exit code and cleanup; Ctrl-C at each step; a cluster that
// does not come up; the order of cleanup. The real providers are covered by test/e2e and test/kind.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runExitCode, selectScenarios } from '../../../src/app/scenario-runs.js';
import { EnvironmentError, ProcessError, UsageError } from '../../../src/errors.js';
import type { RunReport, ScenarioResult } from '../../../src/report/model.js';
import { newRunContext } from '../../../src/run/context.js';
import { RUN_STEPS, runSteps, type RunStep } from '../../../src/run/steps.js';
import { testWorkflow, type TestRequest } from '../../../src/workflows/test.js';
import { matrixWorkflow } from '../../../src/workflows/matrix.js';
import { bisectWorkflow } from '../../../src/workflows/bisect.js';
import { buildFailure, inMemoryApp, type TestBehaviour } from '../../helpers/in-memory-app.js';
import { repoRoot } from '../../helpers/env.js';

const FIXTURES = join(repoRoot, 'test/fixtures/pipeline-scenarios');

const request = (args: string[], extra: Partial<TestRequest> = {}): TestRequest => ({
  args,
  provider: 'auto',
  k8sVersion: 'v1.37.2',
  scenariosDir: [FIXTURES],
  builtin: false,
  parallel: 2,
  ...extra,
});

/** The journal with the run id taken out of cluster names: 'create kl-1'. */
const steps = (journal: string[]): string[] => journal.map((l) => l.replace(/kl-[0-9a-f]{6}(-\d+)?-(\d+)/g, 'kl-$2'));
const byId = (r: RunReport): Record<string, Pick<ScenarioResult, 'status' | 'skipKind'>> =>
  Object.fromEntries(r.results.map((x) => [x.id, { status: x.status, ...(x.skipKind ? { skipKind: x.skipKind } : {}) }]));
const messageOf = (r: RunReport, id: string): string => r.results.find((x) => x.id === id)?.message ?? '';

function test(behaviour: TestBehaviour = {}, binariesVersion = 'v1.37.2') {
  return inMemoryApp({ behaviour, binariesVersion });
}

describe('test: the steps in order', () => {
  it('plans cheapest first, then per cluster up → run → down, and reports every selected scenario', async () => {
    const t = test();
    const { report } = await testWorkflow(t.app, request(['api-one', 'api-two', 'nodes-one', 'newer-only']));
    expect(steps(t.journal)).toEqual(['create kl-1', 'run api-one on kl-1', 'run api-two on kl-1', 'delete kl-1', 'create kl-2', 'run nodes-one on kl-2', 'delete kl-2']);
    expect(byId(report)).toEqual({ 'api-one': { status: 'passed' }, 'api-two': { status: 'passed' }, 'nodes-one': { status: 'passed' }, 'newer-only': { status: 'skipped', skipKind: 'verdict' } });
    expect(report.clusters.map((c) => c.provider)).toEqual(['test-api', 'test-nodes']);
    expect(runExitCode(report, false)).toBe(0);
    expect(t.app.store.listClusters()).toEqual([]);
    // the plan is announced before anything is created
    expect(t.progress.findIndex((l) => /2 cluster\(s\), 1 scenario\(s\) skipped/.test(l))).toBeGreaterThanOrEqual(0);
  });

  it('resolve: an unknown provider is a usage error before anything is created', async () => {
    const t = test();
    await expect(testWorkflow(t.app, request(['api-one'], { provider: 'kind' }))).rejects.toThrow(/unknown provider "kind".*/);
    expect(t.journal).toEqual([]);
  });

  it('plan: what no provider here can run is an environment skip; a run of only those exits 3 (2 never: nothing is wrong with the input)', async () => {
    const t = test({ available: { 'test-nodes': 'TEST: no container runtime' } });
    const { report } = await testWorkflow(t.app, request(['nodes-one']));
    expect(byId(report)).toEqual({ 'nodes-one': { status: 'skipped', skipKind: 'environment' } });
    expect(messageOf(report, 'nodes-one')).toMatch(/test-nodes cannot run here: TEST: no container runtime/);
    expect(t.journal).toEqual([]);
    expect(runExitCode(report, false)).toBe(3);
    expect(runExitCode(report, false, true)).toBe(0);
  });

  it('check-images: node-image clusters without an image of the target version stop the run before any cluster', async () => {
    // no --k8s-version: the version is the binaries' (v1.37.2), and no node image of it was built
    const t = test();
    const err = await testWorkflow(t.app, request(['api-one', 'nodes-one'], { k8sVersion: undefined })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as Error).message).toMatch(/nodes-one/);
    expect(t.journal).toEqual([]);
  });
});

/** A Kubernetes-shaped git repository: go.mod of k8s.io/kubernetes, tag v1.37.2, then `n` commits. */
function kubeRepo(n: number): { root: string; commits: string[] } {
  const root = mkdtempSync(join(tmpdir(), 'kl-kube-'));
  const git = (...a: string[]): string => execFileSync('git', ['-C', root, ...a], { encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } }).trim();
  git('init', '-q', '-b', 'main');
  writeFileSync(join(root, 'go.mod'), 'module k8s.io/kubernetes\n\ngo 1.26\n');
  git('add', '.');
  git('commit', '-q', '-m', 'base');
  git('tag', 'v1.37.2');
  const commits = [git('rev-parse', 'HEAD')];
  for (let i = 1; i <= n; i++) {
    writeFileSync(join(root, `change-${i}.txt`), `${i}\n`);
    git('add', '.');
    git('commit', '-q', '-m', `change ${i}`);
    commits.push(git('rev-parse', 'HEAD'));
  }
  return { root, commits };
}

describe('test of a ref: the build step', () => {
  it('builds only for the providers the plan uses, then runs what it built', async () => {
    const repo = kubeRepo(1);
    const t = test();
    const { report } = await testWorkflow(t.app, request(['api-one'], { k8sVersion: undefined, ref: 'HEAD', kubeRoot: repo.root }));
    expect(steps(t.journal)).toEqual([`build test-api HEAD`, 'create kl-1', 'run api-one on kl-1', 'delete kl-1']);
    expect(byId(report)['api-one']!.status).toBe('passed');
  });

  it('a build that fails stops the run before any cluster, with the builder\'s error', async () => {
    const repo = kubeRepo(1);
    const t = test({ onBuild: (_p, ref) => { throw buildFailure(ref); } });
    await expect(testWorkflow(t.app, request(['api-one', 'nodes-one'], { k8sVersion: undefined, ref: 'HEAD', kubeRoot: repo.root }))).rejects.toBeInstanceOf(ProcessError);
    expect(steps(t.journal)).toEqual(['build test-api HEAD']);
  });
});

describe('test: clusters that fail', () => {
  it('a cluster that does not come up errors its own scenarios; the next cluster still runs; exit 1', async () => {
    const t = test({ onCreate: (req, provider) => { if (provider === 'test-api') throw new Error('TEST: etcd did not start'); } });
    const { report } = await testWorkflow(t.app, request(['api-one', 'nodes-one']));
    expect(steps(t.journal)).toEqual(['create kl-1', 'create kl-2', 'run nodes-one on kl-2', 'delete kl-2']);
    expect(byId(report)).toEqual({ 'api-one': { status: 'errored' }, 'nodes-one': { status: 'passed' } });
    expect(messageOf(report, 'api-one')).toMatch(/did not come up: .*TEST: etcd did not start/);
    expect(report.clusters[0]!.error).toMatch(/etcd did not start/);
    expect(runExitCode(report, false)).toBe(1);
  });

  it('a cluster that comes up but cannot be used errors its scenarios and is deleted', async () => {
    const t = test({ onReadInfo: () => { throw new Error('TEST: connection refused'); } });
    const { report } = await testWorkflow(t.app, request(['api-one']));
    expect(steps(t.journal)).toEqual(['create kl-1', 'delete kl-1']);
    expect(messageOf(report, 'api-one')).toMatch(/came up but cannot be used: .*connection refused/);
    expect(runExitCode(report, false)).toBe(1);
  });

  it('--fail-fast: after a failure no further cluster is created; its scenarios are skipped saying why', async () => {
    const t = test({ scenario: (id) => (id === 'api-one' ? 'failed' : 'passed') });
    const { report } = await testWorkflow(t.app, request(['api-one', 'nodes-one'], { failFast: true, parallel: 1 }));
    expect(steps(t.journal)).toEqual(['create kl-1', 'run api-one on kl-1', 'delete kl-1']);
    expect(byId(report)).toEqual({ 'api-one': { status: 'failed' }, 'nodes-one': { status: 'skipped', skipKind: 'environment' } });
    expect(messageOf(report, 'nodes-one')).toMatch(/--fail-fast stopped the run after api-one failed/);
    expect(runExitCode(report, false)).toBe(1);
  });
});

describe('test: Ctrl-C at each step', () => {
  it('before resolve finishes: nothing is created and the run stops', async () => {
    const t = test();
    t.abort();
    await expect(testWorkflow(t.app, request(['api-one']))).rejects.toThrow();
    expect(t.journal).toEqual([]);
  });

  it('during the build: nothing is created', async () => {
    const repo = kubeRepo(1);
    const t = test({ onBuild: () => t.abort() });
    await expect(testWorkflow(t.app, request(['api-one'], { k8sVersion: undefined, ref: 'HEAD', kubeRoot: repo.root }))).rejects.toThrow(/interrupted/);
    expect(steps(t.journal)).toEqual(['build test-api HEAD']);
  });

  it('while a cluster comes up: its scenarios and the later clusters\' are interrupted, nothing more is created; exit 130', async () => {
    const t = test({ onCreate: () => t.abort() });
    const { report } = await testWorkflow(t.app, request(['api-one', 'nodes-one']));
    expect(steps(t.journal)).toEqual(['create kl-1']);
    expect(byId(report)).toEqual({ 'api-one': { status: 'interrupted' }, 'nodes-one': { status: 'interrupted' } });
    expect(runExitCode(report, true)).toBe(130);
  });

  it('while scenarios run: the cluster is still deleted (the deletion ignores the interrupt), the next one never created', async () => {
    const t = test({ scenario: () => { t.abort(); return 'passed'; } });
    const { report } = await testWorkflow(t.app, request(['api-one', 'nodes-one']));
    expect(steps(t.journal)).toEqual(['create kl-1', 'run api-one on kl-1', 'delete kl-1']);
    expect(byId(report)['nodes-one']!.status).toBe('interrupted');
    expect(t.app.store.listClusters()).toEqual([]);
  });
});

describe('cleanup', () => {
  it('a deletion that fails is retried at the end, newest cluster first', async () => {
    const failedOnce = new Set<string>();
    const t = test({
      onDelete: (name) => {
        if (!failedOnce.has(name)) {
          failedOnce.add(name);
          throw new Error('TEST: busy');
        }
      },
    });
    await testWorkflow(t.app, request(['api-one', 'nodes-one']));
    expect(steps(t.journal)).toEqual(['create kl-1', 'run api-one on kl-1', 'delete kl-1', 'create kl-2', 'run nodes-one on kl-2', 'delete kl-2', 'delete kl-2', 'delete kl-1']);
    expect(t.progress.filter((l) => /could not delete/.test(l))).toHaveLength(2);
    expect(t.app.store.listClusters()).toEqual([]);
  });

  it('--keep: nothing is deleted, and the run says which clusters are left', async () => {
    const t = test();
    await testWorkflow(t.app, request(['api-one', 'nodes-one'], { keep: true }));
    expect(t.journal.filter((l) => l.startsWith('delete'))).toEqual([]);
    expect(t.progress.join('')).toMatch(/--keep: clusters left running: kl-\w+-1, kl-\w+-2/);
    expect(t.app.store.listClusters()).toHaveLength(2);
  });

  it('a step that throws after clusters exist: they are deleted before the error reaches the command', async () => {
    // a step after plan creates a cluster, then throws: the run's cleanup is what deletes it
    const t2 = test();
    const scenarios = await selectScenarios(t2.app, { scenariosDir: [FIXTURES], builtin: false }, ['api-one']);
    const opts = { runId: 'abc123', parallel: 1, keep: false, artifactsDir: join(t2.home, 'a') };
    const ctx = newRunContext(t2.app, { flags: { provider: 'auto', k8sVersion: 'v1.37.2' }, scenarios, opts, namePrefix: 'kl-abc123' });
    const createdThenBoom: RunStep = { name: 'create-then-boom', why: 'TEST', run: async (c) => {
        const provider = await c.app.providers.get('test-api');
        c.created.push(await provider.create({ name: 'kl-abc123-9', profile: c.plan!.clusters[0]!.profile }, { runner: c.app.runner, store: c.app.store, log: c.app.log }));
        throw new Error('TEST: boom');
      },
    };
    await expect(runSteps(ctx, [...RUN_STEPS.slice(0, RUN_STEPS.findIndex((s) => s.name === 'plan') + 1), createdThenBoom])).rejects.toThrow(/TEST: boom/);
    expect(ctx.failedStep).toBe('create-then-boom');
    expect(t2.journal).toEqual(['create kl-abc123-9', 'delete kl-abc123-9']);
  });
});

describe('matrix: the steps once per version', () => {
  it('a version whose cluster does not come up is an errored column; the others run; columns keep the order asked', async () => {
    const t = test({ onCreate: (req) => { if (req.kubernetesVersion === '1.36.0') throw new Error('TEST: no such node image'); } });
    const { report } = await matrixWorkflow(t.app, {
      selectors: ['api-one'],
      versions: [
        { label: 'v1.36.0', kind: 'release', version: 'v1.36.0' },
        { label: 'v1.37.2', kind: 'release', version: 'v1.37.2' },
      ],
      provider: 'auto',
      scenariosDir: [FIXTURES],
      builtin: false,
      parallel: 1,
      jobs: 2,
    });
    expect(report.columns.map((c) => [c.label, c.report.results.map((r) => r.status)])).toEqual([
      ['v1.36.0', ['errored']],
      ['v1.37.2', ['passed']],
    ]);
    // every cluster created was deleted
    expect(t.journal.filter((l) => l.startsWith('create')).length).toBe(2);
    expect(t.journal.filter((l) => l.startsWith('delete')).length).toBe(1);
    expect(t.app.store.listClusters()).toEqual([]);
  });

  it('an e2e: label filter: a version before Ginkgo v2 is skipped for having no labels, not for a missing test binary', async () => {
    const t = test();
    const { report } = await matrixWorkflow(t.app, {
      selectors: ['e2e:label=Conformance'],
      versions: [
        { label: 'v1.24.17', kind: 'release', version: 'v1.24.17' },
        { label: 'v1.37.2', kind: 'release', version: 'v1.37.2' },
      ],
      provider: 'auto',
      scenariosDir: [FIXTURES],
      builtin: false,
      parallel: 1,
      jobs: 1,
    });
    const cell = (i: number) => report.columns[i]!.report.results[0]!;
    expect(cell(0)).toMatchObject({ status: 'skipped', skipKind: 'verdict', message: expect.stringMatching(/a label filter needs Ginkgo v2 labels; Kubernetes before 1\.25/) });
    expect(cell(1)).toMatchObject({ status: 'skipped', skipKind: 'environment', message: expect.stringMatching(/no e2e\.test of v1\.37\.2 \(build it: kindlab lab node v1\.37\.2/) });
    expect(t.journal.filter((l) => l.startsWith('create'))).toEqual([]);
  });

  it('--counter-proof: each version counter-proves what it can switch off there', async () => {
    const t = test({ scenario: (id) => (id.startsWith('counter-proof:') ? 'failed' : 'passed') });
    const { report } = await matrixWorkflow(t.app, {
      selectors: ['not-about-its-feature'],
      versions: [{ label: 'v1.37.2', kind: 'release', version: 'v1.37.2' }],
      provider: 'test-api',
      scenariosDir: [join(repoRoot, 'test/fixtures/counter-proof')],
      builtin: false,
      parallel: 1,
      jobs: 1,
      counterProof: true,
    });
    expect(report.columns[0]!.report.results.map((r) => [r.id, r.status, r.counterProof?.verdict])).toEqual([['not-about-its-feature', 'passed', 'counter-proved']]);
    expect(t.journal.filter((l) => l.startsWith('create')).length).toBe(2);
  });
});

describe('bisect: the steps once per commit', () => {
  it('finds the first bad commit; a commit that does not build is skipped, not judged; every cluster is deleted', async () => {
    const repo = kubeRepo(6);
    const firstBad = repo.commits[3]!;
    const bad = new Set(repo.commits.slice(3));
    const t = test({
      scenario: (_id, rec) => (bad.has(rec.commit ?? '') ? 'failed' : 'passed'),
      onBuild: (_p, ref) => { if (ref === repo.commits[5]) throw buildFailure(ref); },
    });
    const out = await bisectWorkflow(t.app, { good: repo.commits[0]!, bad: repo.commits[6]!, scenario: 'api-one', kubeRoot: repo.root, provider: 'auto', scenariosDir: [FIXTURES], builtin: false });
    expect(out.plan.provider).toBe('test-api');
    expect(out.answer && 'commit' in out.answer ? out.answer.commit : out.answer).toBe(firstBad);
    const creates = t.journal.filter((l) => l.startsWith('create')).length;
    expect(creates).toBeGreaterThanOrEqual(3);
    expect(t.journal.filter((l) => l.startsWith('delete')).length).toBe(creates);
    expect(out.steps.find((s) => s.commit === repo.commits[5])?.verdict ?? 'skip').toBe('skip');
  });

  it('an interrupted bisect throws, leaves no cluster, and resumes from what it saved', async () => {
    const repo = kubeRepo(2);
    let runs = 0;
    const t = test({ scenario: (_id, rec) => { runs++; if (runs === 2) t.abort(); return rec.commit === repo.commits[0] ? 'passed' : 'failed'; } });
    const req = { good: repo.commits[0]!, bad: repo.commits[2]!, scenario: 'api-one', kubeRoot: repo.root, provider: 'auto', scenariosDir: [FIXTURES], builtin: false };
    await expect(bisectWorkflow(t.app, req)).rejects.toThrow(/interrupted/);
    expect(t.app.store.listClusters()).toEqual([]);
    const again = inMemoryApp({ binariesVersion: 'v1.37.2', behaviour: { scenario: (_id, rec) => (rec.commit === repo.commits[0] ? 'passed' : 'failed') } });
    again.app.store = t.app.store;
    const out = await bisectWorkflow(again.app, req);
    expect(out.steps.filter((s) => s.resumed).length).toBeGreaterThanOrEqual(1);
    expect(out.answer && 'commit' in out.answer ? out.answer.commit : undefined).toBe(repo.commits[1]);
  });
});

describe('test --counter-proof: a variant per switchable feature, folded into its scenario', () => {
  const COUNTER = join(repoRoot, 'test/fixtures/counter-proof');
  const cp = (extra: Partial<TestRequest> = {}) => request(['not-about-its-feature'], { scenariosDir: [COUNTER], provider: 'test-api', counterProof: true, ...extra });

  it('the variant runs on a cluster of its own with the gate off; failing where it asserts the feature, the scenario is counter-proved and the run passes', async () => {
    const t = test({ scenario: (id) => (id.startsWith('counter-proof:') ? 'failed' : 'passed') });
    const { report } = await testWorkflow(t.app, cp());
    expect(steps(t.journal)).toEqual(['create kl-1', 'run not-about-its-feature on kl-1', 'delete kl-1', 'create kl-2', 'run counter-proof:not-about-its-feature on kl-2', 'delete kl-2']);
    expect(report.results.map((r) => [r.id, r.status, r.counterProof?.verdict])).toEqual([['not-about-its-feature', 'passed', 'counter-proved']]);
    expect(report.results[0]!.counterProof!.how).toMatch(/^MaxUnavailableStatefulSet=false on v1\.37\.2 \(cluster kl-\w+-2\)$/);
    expect(runExitCode(report, false)).toBe(0);
    expect(t.app.store.listClusters()).toEqual([]);
  });

  it('a variant that passes with its feature off: NOT counter-proved, and the run fails (exit 1)', async () => {
    const t = test();
    const { report } = await testWorkflow(t.app, cp());
    expect(report.results[0]).toMatchObject({ status: 'passed', counterProof: { verdict: 'not-counter-proved' } });
    expect(runExitCode(report, false)).toBe(1);
  });

  it('without --counter-proof nothing more runs', async () => {
    const t = test();
    const { report } = await testWorkflow(t.app, cp({ counterProof: false }));
    expect(steps(t.journal)).toEqual(['create kl-1', 'run not-about-its-feature on kl-1', 'delete kl-1']);
    expect(report.results[0]!.counterProof).toBeUndefined();
  });
});

describe('usage errors stay usage errors', () => {
  it('an empty selection is refused before anything', async () => {
    const t = test();
    await expect(testWorkflow(t.app, request(['tag:nothing-has-this']))).rejects.toBeInstanceOf(UsageError);
    expect(t.journal).toEqual([]);
  });
});

describe('test --upgrade-to: checked before anything is built or created', () => {
  it('a provider that cannot upgrade stops the run with the reason; nothing is created', async () => {
    const t = test();
    const repo = kubeRepo(0);
    await expect(testWorkflow(t.app, request(['nodes-one'], { upgradeTo: 'v1.37.2', kubeRoot: repo.root }))).rejects.toThrow(/--upgrade-to: cluster \S+ is planned on the test-nodes provider, which cannot upgrade a running cluster/);
    expect(t.journal).toEqual([]);
  });

  it('an upgrade flag without --upgrade-to, or with --counter-proof, is a usage error', async () => {
    const t = test();
    await expect(testWorkflow(t.app, request(['api-one'], { kubeletsStay: true }))).rejects.toThrow('--kubelets-stay: for an upgrade run; add --upgrade-to <ref>');
    await expect(testWorkflow(t.app, request(['api-one'], { upgradeImages: ['/nowhere'] }))).rejects.toThrow('--upgrade-images: for an upgrade run');
    await expect(testWorkflow(t.app, request(['api-one'], { upgradeTo: 'v1.37.2', counterProof: true }))).rejects.toThrow('--upgrade-to and --counter-proof do not go together');
    expect(t.journal).toEqual([]);
  });
});
