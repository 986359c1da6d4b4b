// Gate stages read from real Kubernetes source: a real git repository whose feature file changes
// between commits (git show per commit, the work tree untouched), and the real v1.37.2 modules in
// the Go module cache (there after `npm run lab`; .ci/run builds the lab before this tier).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExecaRunner } from '../../src/exec/runner.js';
import { releaseFeatureSpecs, treeFeatureSpecs } from '../../src/source/feature-source.js';
import { kindlab } from '../helpers/env.js';

const spec = (since: number, pre: string, def: boolean) => `\t\t{Version: version.MustParse("1.${since}"), Default: ${def}, PreRelease: featuregate.${pre}},`;
const featuresFile = (specs: string[]) => `package features\n\nvar defaultVersionedKubernetesFeatureGates = map[featuregate.Feature]featuregate.VersionedSpecs{\n\tShinyThing: {\n${specs.join('\n')}\n\t},\n}\n`;

describe('feature specs of a commit (real git)', () => {
  it('reads each commit as committed, not the work tree', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kl-kube-features-'));
    const git = (...a: string[]) => execFileSync('git', ['-C', dir, ...a], { encoding: 'utf8' }).trim();
    git('init', '-q', '-b', 'master');
    mkdirSync(join(dir, 'pkg', 'features'), { recursive: true });
    const file = join(dir, 'pkg', 'features', 'kube_features.go');
    writeFileSync(file, featuresFile([spec(38, 'Alpha', false)]));
    git('add', '.');
    git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'alpha');
    const alpha = git('rev-parse', 'HEAD');
    writeFileSync(file, featuresFile([spec(38, 'Alpha', false), spec(39, 'Beta', true)]));
    git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qam', 'beta');
    const beta = git('rev-parse', 'HEAD');
    writeFileSync(file, featuresFile([spec(38, 'GA', true)])); // uncommitted: must not be read

    const runner = new ExecaRunner();
    expect((await treeFeatureSpecs(runner, dir, alpha))?.get('ShinyThing')).toEqual([{ since: 38, stage: 'alpha', default: false, locked: false }]);
    expect((await treeFeatureSpecs(runner, dir, beta))?.get('ShinyThing')?.map((s) => s.stage)).toEqual(['alpha', 'beta']);
  });
});

describe('feature specs of a release (the Go module cache)', () => {
  const specs = releaseFeatureSpecs(process.env, 'v1.37.2');

  it('reads v1.37.2: a gate the hand table lacks, staging and client-go gates, a default flipped by version', () => {
    if (!specs) throw new Error('the Go module cache has no k8s.io/kubernetes@v1.37.2 and its staging modules: run `npm run lab` first');
    expect(specs.get('GRPCContainerProbeTLS')).toEqual([{ since: 37, stage: 'alpha', default: false, locked: false }]);
    expect(specs.get('WatchListClient')?.at(-1)).toMatchObject({ stage: 'beta', default: true });
    expect(specs.get('MaxUnavailableStatefulSet')?.at(-1)).toMatchObject({ since: 37, stage: 'beta', default: true });
    expect(specs.has('ValidatingAdmissionPolicy')).toBe(false); // GA in 1.30, gate removed in 1.32
    expect(specs.size).toBeGreaterThan(200);
  });

  it('plan turns an alpha gate on for a scenario that needs it, and says why', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kl-scen-tls-'));
    writeFileSync(
      join(dir, 'tls-probe.ts'),
      "export default { id: 'tls-probe', title: 'gRPC probe over TLS', requires: { needs: 'node', featureGates: { GRPCContainerProbeTLS: true } }, run: async () => {} };\n",
    );
    const home = mkdtempSync(join(tmpdir(), 'kl-home-'));
    const r = kindlab(['plan', '--k8s-version', 'v1.37.2', '--scenarios-dir', dir, '--no-builtin', '-o', 'json'], { KINDLAB_HOME: home });
    expect(r.code, r.stderr).toBe(0);
    const p = JSON.parse(r.stdout) as { clusters: Array<{ profile: { featureGates: Record<string, boolean> }; scenarios: string[] }>; skips: unknown[] };
    expect(p.skips).toEqual([]);
    expect(p.clusters.map((c) => c.profile.featureGates)).toEqual([{ GRPCContainerProbeTLS: true }]);
    // the same with the gate at a version before it exists: a skip naming the source
    const old = kindlab(['plan', '--k8s-version', 'v1.36.0', '--scenarios-dir', dir, '--no-builtin', '-o', 'json'], { KINDLAB_HOME: home });
    expect(old.code, old.stderr).toBe(0);
    expect(JSON.parse(old.stdout).skips[0].reason).toMatch(/GRPCContainerProbeTLS/);
  });
});

describe('e2e: selectors through the CLI, before anything runs', () => {
  const home = mkdtempSync(join(tmpdir(), 'kl-home-'));

  it('plans a node cluster with the gate a label filter names on, from v1.37.2\'s own specs, before any test binary exists', () => {
    const r = kindlab(['plan', '--k8s-version', 'v1.37.2', 'e2e:label=FeatureGate:GRPCContainerProbeTLS', '-o', 'json'], { KINDLAB_HOME: home });
    expect(r.code, r.stderr).toBe(0);
    const p = JSON.parse(r.stdout) as { clusters: Array<{ provider: string; scenarios: string[]; profile: { featureGates: Record<string, boolean> } }> };
    // only the e2e selection (a selector list with no kindlab selector picks none of kindlab's
    // scenarios), on nodes: the provider that runs them, wherever one can run here
    expect(p.clusters.map((c) => [c.scenarios, c.profile.featureGates, c.provider])).toEqual([[['e2e:label=FeatureGate:GRPCContainerProbeTLS'], { GRPCContainerProbeTLS: true }, 'kind']]);
    const text = kindlab(['plan', '--k8s-version', 'v1.37.2', 'e2e:label=FeatureGate:GRPCContainerProbeTLS'], { KINDLAB_HOME: home });
    expect(text.stdout).toContain('GRPCContainerProbeTLS is alpha, off by default in 1.37: gate GRPCContainerProbeTLS=true');
  });

  it('refuses a label-filter syntax error with the column, exit 2', () => {
    const r = kindlab(['plan', '--k8s-version', 'v1.37.2', 'e2e:label=FeatureGate:X &&'], { KINDLAB_HOME: home });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/label filter syntax error at column \d+/);
  });

  it('bisect and test take e2e: selectors with a ref: a bad one is exit 2 before any git work; plan says what a ref\'s test binary build would run', () => {
    const bad = kindlab(['bisect', '--good', 'v1.37.0', '--bad', 'v1.37.1', '--kube-root', '/nonexistent', 'e2e:label=Conformance &&'], { KINDLAB_HOME: home });
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringMatching(/label filter syntax error at column \d+/)]);
    // run takes them: what stops it here is the cluster it was pointed at, not the selector
    const r = kindlab(['run', '--kubeconfig', '/nonexistent', 'e2e:label=Conformance'], { KINDLAB_HOME: home });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/nonexistent/);
    // A ref's e2e.test is built by the run from the ref's worktree; plan builds nothing and says how.
    const tree = mkdtempSync(join(tmpdir(), 'kl-kube-tiny-'));
    const git = (...a: string[]) => execFileSync('git', ['-C', tree, ...a], { encoding: 'utf8' }).trim();
    git('init', '-q', '-b', 'master');
    writeFileSync(join(tree, 'go.mod'), 'module k8s.io/kubernetes\n\ngo 1.26\n');
    git('add', '.');
    git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'init');
    git('tag', 'v1.37.2');
    const p = kindlab(['plan', '--provider', 'local', '--ref', 'HEAD', '--kube-root', tree, 'e2e:label=FeatureGate:GRPCContainerProbeTLS'], { KINDLAB_HOME: home });
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout).toMatch(/no e2e\.test of HEAD yet \(the run builds e2e\.test, ginkgo, kubectl from HEAD in a worktree, cached by commit: go test -c -trimpath -tags selinux,notest -ldflags '<version stamp>' -o '.*\/test-binaries\/<commit>\/bin\/e2e\.test' \.\/test\/e2e\)/);
    expect(p.stdout).toMatch(/GRPCContainerProbeTLS: true/);
    expect(git('worktree', 'list').split('\n')).toHaveLength(1);
    // a glob is not a focus: said so, not taken for a scenario glob or a ref
    const glob = kindlab(['test', 'e2e:*probe*'], { KINDLAB_HOME: home });
    expect([glob.code, glob.stderr]).toEqual([2, expect.stringMatching(/the focus is not a regular expression/)]);
  });
});
