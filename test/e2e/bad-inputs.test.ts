// Bad inputs and broken environments, every command, as a user would type them: each case asserts
// the exit code, that the message names what was wrong, and that nothing was created or lost —
// the listing of KINDLAB_HOME (which holds a real local cluster throughout), `kind get clusters`,
// `docker ps -a`, and the processes of that home are the same before and after.
// In the e2e tier: its files run one at a time, so docker and kind are not changed under it.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultLabBinDir } from '../../src/cluster/local/provider.js';
import { kindlab, makeKubeRepo, realKind } from '../helpers/env.js';
import { unavailable } from '../helpers/unavailable.js';

const binDir = process.env.KINDLAB_LAB_BIN || defaultLabBinDir();
const root = mkdtempSync(join(tmpdir(), 'kl-bad-inputs-'));
const home = join(root, 'home');
const fx = join(root, 'fixtures');
const CLUSTER = 'keep';

/** A scenario folder holding one file with `body` as its declaration (inside defineScenario). */
function scenarioDir(name: string, body: string, before = ''): string {
  const dir = join(fx, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.ts`), `import { defineScenario } from 'kindlab';\n${before}\nexport default defineScenario({ id: '${name}', title: '${name}', ${body} run: async () => {} });\n`);
  return dir;
}

interface Case {
  name: string;
  args: () => string[];
  code: number;
  /** What the message must name (stderr, else stdout). */
  says: RegExp;
  env?: () => Record<string, string>;
  /** The command ran (and tested nothing, or failed): its run report under runs/ is expected. */
  ran?: boolean;
}

const dirs = {
  empty: join(fx, 'empty'),
  afile: join(fx, 'afile'),
  reports: join(fx, 'reports'),
  notGit: join(fx, 'not-git'),
};
let kubeRepo = '';
const d = (name: string): string => join(fx, name);

const CASES: Case[] = [
  // 1. green with nothing tested
  { name: 'test: an empty --scenarios-dir with --no-builtin selects nothing', args: () => ['test', '--provider', 'local', '--scenarios-dir', dirs.empty, '--no-builtin'], code: 2, says: /no scenario was loaded/ },
  { name: 'run --list: an empty selection', args: () => ['run', '--list', '--scenarios-dir', dirs.empty, '--no-builtin'], code: 2, says: /no scenario was loaded/ },
  { name: 'plan: an empty selection', args: () => ['plan', '--scenarios-dir', dirs.empty, '--no-builtin'], code: 2, says: /no scenario was loaded/ },
  { name: 'matrix: an empty selection', args: () => ['matrix', '--versions', 'lab:v1.37.2', '--scenarios-dir', dirs.empty, '--no-builtin'], code: 2, says: /no scenario was loaded/ },
  { name: 'test: a scenario file calling process.exit(0) while loading', args: () => ['test', '--provider', 'local', '--scenarios-dir', d('quits'), '--no-builtin'], code: 2, says: /quits\.ts.*process\.exit\(0\)/ },
  { name: 'run --list: a scenario file calling process.exit(0)', args: () => ['run', '--list', '--scenarios-dir', d('quits'), '--no-builtin'], code: 2, says: /process\.exit\(0\)/ },
  { name: 'plan: a scenario file calling process.exit(0)', args: () => ['plan', '--scenarios-dir', d('quits'), '--no-builtin'], code: 2, says: /process\.exit\(0\)/ },
  { name: 'matrix: a scenario file calling process.exit(0)', args: () => ['matrix', '--versions', 'lab:v1.37.2', '--scenarios-dir', d('quits'), '--no-builtin'], code: 2, says: /process\.exit\(0\)/ },
  { name: 'run: a scenario calling process.exit(0) while it runs fails, the run is not green', args: () => ['run', '--cluster', CLUSTER, '--scenarios-dir', d('exits-in-run'), '--no-builtin'], code: 1, says: /process\.exit\(0\) was called/, ran: true },
  { name: 'test --provider kind with no kind on PATH: every check skipped for this machine', args: () => ['test', '--provider', 'kind', '--bin-dir', binDir!, 'create-token'], env: () => ({ PATH: '/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' }), code: 3, says: /kind cannot run here: kind is not installed[^]*nothing was tested/, ran: true },
  { name: 'run: a node scenario on a cluster with no nodes tested nothing', args: () => ['run', '--cluster', CLUSTER, 'runtime-not-docker'], code: 3, says: /nothing was tested: all 1 selected check/, ran: true },
  { name: 'matrix: a node scenario where only the local provider may run it tested nothing', args: () => ['matrix', '--versions', 'lab:v1.37.2', '--provider', 'local', 'runtime-not-docker'], code: 3, says: /lab:v1\.37\.2: nothing was tested/, ran: true },
  // 2. scenario declarations
  { name: "a declaration with versions: '>=banana'", args: () => ['run', '--list', '--scenarios-dir', d('bad-versions'), '--no-builtin'], code: 2, says: /bad-versions\.ts: scenario bad-versions declares versions: must be a semver range/ },
  { name: "a declaration with needs: 'nodez'", args: () => ['plan', '--scenarios-dir', d('bad-needs'), '--no-builtin'], code: 2, says: /bad-needs\.ts: .*requires\.needs: must be 'api' or 'node', got "nodez"/ },
  { name: 'a declaration with workers: -1', args: () => ['test', '--provider', 'local', '--scenarios-dir', d('bad-workers'), '--no-builtin'], code: 2, says: /requires\.workers: must be a whole number ≥ 0, got -1/ },
  { name: 'a declaration with timeoutSeconds: -5', args: () => ['run', '--cluster', CLUSTER, '--scenarios-dir', d('bad-timeout'), '--no-builtin'], code: 2, says: /timeoutSeconds: must be a positive whole number of seconds, got -5/ },
  { name: 'a declaration with a feature gate value "true" (a string)', args: () => ['plan', '--scenarios-dir', d('bad-gate-value'), '--no-builtin'], code: 2, says: /requires\.featureGates\.Foo: must be true or false/ },
  // 3. work first, input check last
  { name: 'test --junit naming a folder', args: () => ['test', '--provider', 'local', '--junit', dirs.reports, 'create-token'], code: 2, says: /--junit .*reports is a folder; it needs a file name/ },
  { name: 'test --html under a file', args: () => ['test', '--provider', 'local', '--html', join(dirs.afile, 'r.html'), 'create-token'], code: 2, says: /--html .* cannot be created: .*afile is a file, not a folder/ },
  { name: 'test --json and --junit naming one file', args: () => ['test', '--provider', 'local', '--json', join(dirs.reports, 'r'), '--junit', join(dirs.reports, 'r'), 'create-token'], code: 2, says: /name the same path/ },
  { name: 'run --json naming a folder', args: () => ['run', '--cluster', CLUSTER, '--json', dirs.reports, 'create-token'], code: 2, says: /--json .* is a folder/ },
  { name: 'matrix --junit-dir naming a file', args: () => ['matrix', '--versions', 'lab:v1.37.2', '--junit-dir', dirs.afile, 'create-token'], code: 2, says: /--junit-dir .*afile is a file; it needs a folder/ },
  { name: 'matrix --html naming a folder', args: () => ['matrix', '--versions', 'lab:v1.37.2', '--html', dirs.reports, 'create-token'], code: 2, says: /--html .* is a folder/ },
  { name: 'bisect --json naming a folder, before any build', args: () => ['bisect', 'create-token', '--good', 'v1.33.0', '--bad', 'master', '--kube-root', kubeRepo, '--json', dirs.reports], code: 2, says: /--json .* is a folder/ },
  { name: 'build --images naming a missing archive, before the checkout (dry run too)', args: () => ['build', 'v1.33.0', '--kube-root', kubeRepo, '--images', join(fx, 'no-such.tar'), '--dry-run'], code: 2, says: /--images .*no-such\.tar does not exist/ },
  { name: 'build --images naming a folder with no archive', args: () => ['build', 'v1.33.0', '--kube-root', kubeRepo, '--images', dirs.empty], code: 2, says: /is a folder with no \*\.tar archive/ },
  { name: 'build --base-image that docker does not have, before the checkout', args: () => ['build', 'v1.33.0', '--kube-root', kubeRepo, '--base-image', 'kindlab-test/no-such-base:1', '--dry-run'], code: 3, says: /--base-image kindlab-test\/no-such-base:1 is not in the local docker daemon/ },
  { name: 'KINDLAB_HOME is a file: ls says so instead of "no clusters"', args: () => ['ls'], env: () => ({ KINDLAB_HOME: dirs.afile }), code: 3, says: /state folder .*afile \(\$KINDLAB_HOME\) cannot be used: it is a file/ },
  { name: 'KINDLAB_HOME under a file: test stops before anything', args: () => ['test', '--provider', 'local', 'create-token'], env: () => ({ KINDLAB_HOME: join(dirs.afile, 'home') }), code: 3, says: /state folder .* cannot be used: .*afile is a file/ },
  // 4. inputs that name nothing real
  { name: 'plan --k8s-version v1.99.0', args: () => ['plan', '--k8s-version', 'v1.99.0', 'create-token'], code: 2, says: /--k8s-version v1\.99\.0 is not a Kubernetes release/ },
  { name: 'test --k8s-version v2.0.0', args: () => ['test', '--k8s-version', 'v2.0.0', 'create-token'], code: 2, says: /v2\.0\.0 is not a Kubernetes release/ },
  { name: 'matrix --versions naming one version twice', args: () => ['matrix', '--versions', 'v1.37.2,1.37.2', 'create-token'], code: 2, says: /--versions names one version twice: v1\.37\.2 and 1\.37\.2/ },
  { name: 'matrix --versions v1.99.0', args: () => ['matrix', '--versions', 'v1.99.0', 'create-token'], code: 2, says: /v1\.99\.0 is not a Kubernetes release/ },
  { name: 'test with a typo in a scenario id', args: () => ['test', 'create-tokn'], code: 2, says: /"create-tokn" is not a scenario \(did you mean create-token\?\)/ },
  { name: 'run with a typo in a scenario id', args: () => ['run', '--cluster', CLUSTER, 'grpc-prob'], code: 2, says: /selector "grpc-prob" matches no scenario \(did you mean grpc-probe\?\)/ },
  { name: 'bisect with --kube-root that is not a git repository', args: () => ['bisect', 'create-token', '--good', 'v1.33.0', '--bad', 'master', '--kube-root', dirs.notGit], code: 2, says: /not a git checkout/ },
  { name: 'run --cluster that does not exist', args: () => ['run', '--cluster', 'no-such-cluster', 'create-token'], code: 2, says: /no kindlab cluster named "no-such-cluster"/ },
  // 5. options that say one thing and do another
  { name: 'run --list --shard with a value that is not i/n', args: () => ['run', '--list', '--shard', '1/x'], code: 2, says: /--shard must look like i\/n/ },
  { name: 'plan --shard 3/2', args: () => ['plan', '--shard', '3/2'], code: 2, says: /--shard/ },
  { name: 'matrix --list names a lab build that does not exist, before anything', args: () => ['matrix', '--list', '--versions', 'lab:v1.29.0', 'create-token'], code: 2, says: /--versions lab:v1\.29\.0: the lab has no build of v1\.29\.0/ },
  { name: 'matrix --list --shard with a value that is not i/n', args: () => ['matrix', '--list', '--versions', 'lab:v1.37.2', '--shard', '0/2'], code: 2, says: /--shard/ },
  { name: 'plan -o yaml', args: () => ['plan', '-o', 'yaml'], code: 2, says: /argument 'yaml' is invalid.*Allowed choices are text, json/ },
  { name: 'up -o yaml', args: () => ['up', '--provider', 'local', '--name', 'never', '-o', 'yaml'], code: 2, says: /Allowed choices are text, json/ },
  { name: 'build -o yaml', args: () => ['build', 'v1.33.0', '-o', 'yaml'], code: 2, says: /Allowed choices are text, json/ },
  { name: 'test --parallel 0', args: () => ['test', '--parallel', '0', 'create-token'], code: 2, says: /--parallel must be a positive whole number/ },
  { name: 'test --provider that does not exist', args: () => ['test', '--provider', 'vagrant', 'create-token'], code: 2, says: /Allowed choices are/ },
  { name: 'up a name that is taken', args: () => ['up', '--provider', 'local', '--name', CLUSTER, '--bin-dir', binDir!], code: 5, says: /keep/ },
  { name: 'up a name kind refuses', args: () => ['up', '--provider', 'local', '--name', 'Bad_Name'], code: 2, says: /Bad_Name/ },
  { name: 'up --feature-gates with a value that is not a boolean', args: () => ['up', '--provider', 'local', '--name', 'never', '--feature-gates', 'Foo=maybe'], code: 2, says: /Foo=maybe|maybe/ },
  { name: 'down a cluster kindlab does not know', args: () => ['down', 'no-such-cluster'], code: 2, says: /no-such-cluster/ },
  { name: 'new scenario with an id that is not kebab-case', args: () => ['new', 'scenario', 'Bad_ID', '--dir', join(fx, 'new-out')], code: 2, says: /Bad_ID/ },
  { name: 'rmi an image kindlab did not build', args: () => ['rmi', 'busybox:latest'], code: 2, says: /no kindlab image busybox:latest/ },
  { name: 'lab build of a version that is not a release, before the module proxy is asked', args: () => ['lab', 'build', 'v1.2'], code: 2, says: /lab: v1\.2 is not a Kubernetes version/ },
  { name: 'lab build of a release that does not exist yet', args: () => ['lab', 'build', 'v1.99.0'], code: 2, says: /v1\.99\.0 is not a Kubernetes release/ },
  { name: 'lab build --components empty', args: () => ['lab', 'build', '--components', ''], code: 2, says: /--components is empty/ },
  { name: 'lab build --go for a tree build, which uses the Go the tree pins', args: () => ['lab', 'build', '--go', '1.20.7'], code: 2, says: /--go picks the toolchain of a build from the module proxy's copy[^]*hint: add --from module/ },
  { name: 'lab build --from an unknown source', args: () => ['lab', 'build', '--from', 'git'], code: 2, says: /--from.*git.*Allowed choices are tree, module/ },
  { name: 'lab ls -o yaml', args: () => ['lab', 'ls', '-o', 'yaml'], code: 2, says: /Allowed choices are text, json/ },
  { name: 'doctor -o yaml', args: () => ['doctor', '-o', 'yaml'], code: 2, says: /Allowed choices are text, json/ },
];

type Snapshot = { home: string[]; kind: string[]; docker: string[]; processes: string[] };

function listing(dir: string, prefix = ''): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return [];
  }
  return names.flatMap((n) => {
    const p = join(dir, n);
    const st = statSync(p);
    const rel = `${prefix}${n}`;
    // Logs and data of the running cluster change by themselves; their presence is what counts.
    if (st.isDirectory()) return [`${rel}/`, ...(/\/data$|^clusters\/[^/]+\/(data|logs)$/.test(rel) ? [] : listing(p, `${rel}/`))];
    return [/\.log$/.test(n) ? rel : `${rel} ${st.size} ${st.mtimeMs}`];
  });
}

function snapshot(): Snapshot {
  const lines = (cmd: string, args: string[]): string[] => (spawnSync(cmd, args, { encoding: 'utf8' }).stdout ?? '').split('\n').filter(Boolean).sort();
  return {
    home: listing(home),
    kind: lines(realKind, ['get', 'clusters']),
    docker: lines('docker', ['ps', '-a', '--format', '{{.ID}} {{.Names}} {{.Status}}']).map((l) => l.replace(/ (Up|Exited) .*/, ' $1')),
    processes: lines('ps', ['-eo', 'pid=,args=']).filter((l) => l.includes(root) && !l.includes(' ps ')),
  };
}

if (!binDir) unavailable('bad inputs and broken environments', 'no lab binaries (npm run lab)');
describe.skipIf(!binDir)('bad inputs and broken environments: a clear error, the right exit code, nothing created or lost', () => {
  beforeAll(() => {
    for (const dir of [fx, dirs.empty, dirs.reports, dirs.notGit, join(fx, 'no-kind-bin')]) mkdirSync(dir, { recursive: true });
    writeFileSync(dirs.afile, 'not a folder\n');
    scenarioDir('quits', '', 'process.exit(0);');
    mkdirSync(d('exits-in-run'), { recursive: true });
    writeFileSync(join(d('exits-in-run'), 'exits-in-run.ts'), `import { defineScenario } from 'kindlab';\nexport default defineScenario({ id: 'exits-in-run', title: 'exits', run: async () => { process.exit(0); } });\n`);
    scenarioDir('bad-versions', "versions: '>=banana',");
    scenarioDir('bad-needs', "requires: { needs: 'nodez' as 'api' },");
    scenarioDir('bad-workers', 'requires: { workers: -1 },');
    scenarioDir('bad-timeout', 'timeoutSeconds: -5,');
    scenarioDir('bad-gate-value', "requires: { featureGates: { Foo: 'true' as unknown as boolean } },");
    kubeRepo = makeKubeRepo().dir;
    const up = kindlab(['up', '--provider', 'local', '--name', CLUSTER, '--bin-dir', binDir!], { KINDLAB_HOME: home });
    if (up.code !== 0) throw new Error(`could not bring up the cluster the cases must not touch: ${up.stderr}`);
  });
  afterAll(() => {
    kindlab(['down', CLUSTER], { KINDLAB_HOME: home });
    rmSync(root, { recursive: true, force: true });
    if (kubeRepo) rmSync(kubeRepo, { recursive: true, force: true });
  });

  it('has at least 40 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  for (const c of CASES) {
    it(c.name, () => {
      const before = snapshot();
      const r = kindlab(c.args(), { KINDLAB_HOME: home, CI: 'true', ...(c.env?.() ?? {}) }, fx);
      const text = `${r.stderr}\n${r.stdout}`;
      expect(r.code, text).toBe(c.code);
      expect(text).toMatch(c.says);
      const after = snapshot();
      // A run that ran keeps its report (that is its output); nothing else may change.
      const keep = (x: Snapshot): Snapshot => (c.ran ? { ...x, home: x.home.filter((l) => !l.startsWith('runs/')) } : x);
      expect(keep(after), 'nothing created or lost').toEqual(keep(before));
      if (c.ran) expect(after.home.filter((l) => l.startsWith('runs/')).length, 'its report is kept').toBeGreaterThan(before.home.filter((l) => l.startsWith('runs/')).length);
    });
  }

  it('the cluster the cases ran beside is still there and usable', () => {
    const ls = kindlab(['ls', '-o', 'json'], { KINDLAB_HOME: home });
    expect(ls.code).toBe(0);
    expect(JSON.parse(ls.stdout).clusters.map((x: { name: string; state: string }) => [x.name, x.state])).toContainEqual([CLUSTER, 'ready']);
    const ns = execFileSync(join(binDir!, 'kubectl'), ['--kubeconfig', join(home, 'clusters', CLUSTER, 'kubeconfig'), 'get', 'ns', 'default', '-o', 'name'], { encoding: 'utf8' });
    expect(ns.trim()).toBe('namespace/default');
  });
});
