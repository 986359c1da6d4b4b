// kindlab as users install it: `npm pack` of this repository, installed into a fresh prefix, run
// from an empty folder (no repository in sight), against the lab's real binaries; and as a
// devDependency of a user's repository with TypeScript scenarios of its own, type-checked by tsc.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultLabBinDir } from '../../src/cluster/local/provider.js';
import { repoRoot } from '../helpers/env.js';
import { unavailable } from '../helpers/unavailable.js';

const binDir = process.env.KINDLAB_LAB_BIN || defaultLabBinDir();
const work = mkdtempSync(join(tmpdir(), 'kl-pkg-'));
const prefix = join(work, 'prefix');
const empty = join(work, 'empty');
const home = join(work, 'kindlab-home');
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string; devDependencies: Record<string, string> };
let tarball = '';
let packed: { files: { path: string }[]; size: number; unpackedSize: number } | undefined;

const sh = (file: string, args: string[], cwd: string, env: Record<string, string> = {}): SpawnSyncReturns<string> =>
  spawnSync(file, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', KINDLAB_HOME: home, ...env }, timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
const out = (r: SpawnSyncReturns<string>): string => `${r.stdout}\n${r.stderr}`;

if (!binDir) unavailable('the installed package', 'no lab binaries (npm run lab)');
describe.skipIf(!binDir)('the installed package', () => {
  beforeAll(() => {
    mkdirSync(empty, { recursive: true });
    const p = sh('npm', ['pack', '--json', '--pack-destination', work], repoRoot);
    if (p.status !== 0) throw new Error(`npm pack failed: ${out(p)}`);
    // prepack's build prints to stdout before the JSON
    const json = JSON.parse(p.stdout.slice(p.stdout.indexOf('[')))[0];
    packed = json;
    tarball = join(work, json.filename);
    const i = sh('npm', ['install', '-g', '--prefix', prefix, tarball, '--no-audit', '--no-fund'], work);
    if (i.status !== 0) throw new Error(`npm install -g failed: ${out(i)}`);
  }, 600_000);

  it('ships what runs, its licence and README, and no tests, sources or keys', () => {
    const files = packed!.files.map((f) => f.path);
    for (const f of ['bin/kindlab.js', 'dist/cli/main.js', 'dist/index.js', 'dist/index.d.ts', 'dist/scenarios/create-token.js', 'dist/scenarios/_support/index.d.ts', 'lab/node/build.sh', 'LICENSE', 'README.md', 'package.json']) {
      expect(files, f).toContain(f);
    }
    expect(files.filter((f) => /^(test|src|\.ci|bench|docs)\//.test(f) || f.endsWith('.map') || /\.(key|pem)$/.test(f))).toEqual([]);
    console.log(`package: ${files.length} files, ${(packed!.size / 1024).toFixed(0)} KiB packed, ${(packed!.unpackedSize / 1024).toFixed(0)} KiB unpacked`);
    expect(packed!.unpackedSize).toBeLessThan(4 * 1024 * 1024);
  });

  it('runs from an empty folder: --version, --help, doctor, plan, lab build, and test on the lab binaries', () => {
    const kindlab = (args: string[]) => sh(join(prefix, 'bin', 'kindlab'), args, empty);
    const installed = join(prefix, 'lib', 'node_modules', 'kindlab');
    expect(kindlab(['--version']).stdout.trim()).toBe(pkg.version);
    expect(kindlab(['--help']).stdout).toMatch(/Usage: kindlab[^]*\btest\b.*one shot/);
    const doctor = kindlab(['doctor']);
    expect(doctor.status, out(doctor)).toBe(0);
    expect(doctor.stdout).toContain(`${pkg.version} (${installed}/)`);
    expect(doctor.stdout).toContain(`built-in: ${installed}/dist/scenarios`);
    const plan = kindlab(['plan', '--provider', 'local', 'create-token']);
    expect(plan.status, out(plan)).toBe(0);
    expect(plan.stdout).toMatch(/cluster kindlab-1 \(local, v1\.37\.2\): create-token/);
    const lab = kindlab(['lab', 'build']);
    expect(lab.status, out(lab)).toBe(0);
    expect(lab.stdout.trim().split('\n').pop()).toBe(binDir);
    const test = kindlab(['test', '--provider', 'local', 'create-token', 'validating-admission-policy']);
    expect(test.status, out(test)).toBe(0);
    expect(test.stdout).toMatch(/create-token\s+kl-\S+\s+PASSED/);
    expect(test.stdout).toMatch(/validating-admission-policy\s+kl-\S+\s+PASSED/);
    expect(test.stdout).toMatch(/2 passed, 0 failed/);
  });

  it('is a devDependency of a user repository: its own TypeScript scenarios type-check and pass', () => {
    const repo = join(work, 'user-repo');
    mkdirSync(join(repo, 'kindlab-scenarios'), { recursive: true });
    writeFileSync(join(repo, 'package.json'), JSON.stringify({ name: 'user-checks', private: true, type: 'module', devDependencies: { kindlab: `file:${tarball}`, typescript: pkg.devDependencies.typescript } }, null, 2));
    writeFileSync(
      join(repo, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: [] }, include: ['kindlab-scenarios'] }, null, 2),
    );
    writeFileSync(
      join(repo, 'kindlab-scenarios', 'configmap-roundtrip.ts'),
      `// The user's own check: a ConfigMap written is read back, on any API server.
import { defineScenario, type ScenarioContext } from 'kindlab';
import { atLeast, minor } from 'kindlab/support';

export default defineScenario({
  id: 'configmap-roundtrip',
  title: 'A ConfigMap written is read back unchanged',
  versions: '>=1.24',
  async run(ctx: ScenarioContext) {
    ctx.assert.ok(atLeast(ctx, '1.24'), \`a 1.24+ cluster, got 1.\${minor(ctx)}\`);
    await ctx.step('write it', () => ctx.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'mine' }, data: { k: 'v' } }));
    await ctx.step('read it back', async () => ctx.assert.matches(await ctx.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'mine' }), { data: { k: 'v' } }));
  },
});
`,
    );
    const install = sh('npm', ['install', '--no-audit', '--no-fund'], repo);
    expect(install.status, out(install)).toBe(0);
    const made = sh('npx', ['kindlab', 'new', 'scenario', 'from-template', '--dir', 'kindlab-scenarios'], repo);
    expect(made.status, out(made)).toBe(0);
    const tsc = sh('npx', ['tsc', '-p', '.'], repo);
    expect(tsc.status, out(tsc)).toBe(0);
    // and tsc does check: a wrong field type is an error
    writeFileSync(join(repo, 'kindlab-scenarios', 'typo.ts'), `import { defineScenario } from 'kindlab';\nexport default defineScenario({ id: 'typo', title: 't', timeoutSeconds: 'soon', async run() {} });\n`);
    const bad = sh('npx', ['tsc', '-p', '.'], repo);
    expect(bad.status).not.toBe(0);
    expect(out(bad)).toMatch(/typo\.ts.*timeoutSeconds|Type 'string' is not assignable to type 'number'/s);
    spawnSync('rm', ['-f', join(repo, 'kindlab-scenarios', 'typo.ts')]);
    const run = sh('npx', ['kindlab', 'test', '--provider', 'local', '--scenarios-dir', 'kindlab-scenarios', '--no-builtin'], repo);
    expect(run.status, out(run)).toBe(0);
    expect(run.stdout).toMatch(/configmap-roundtrip\s+kl-\S+\s+PASSED/);
    expect(run.stdout).toMatch(/from-template\s+kl-\S+\s+PASSED/);
  });
});
