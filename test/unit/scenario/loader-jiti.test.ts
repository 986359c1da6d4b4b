// The scenario loader (jiti, `kindlab` alias) on real files: good fixtures load, a file that does
// not compile and one that exports nothing are clear errors naming the file, duplicate ids are
// refused, and the `kindlab new scenario` template loads as written.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/errors.js';
import { loadScenarioFile, loadScenarios, scenarioFiles, ScenarioLoadError, validateScenario } from '../../../src/scenario/loader.js';
import { scenarioTemplate } from '../../../src/scenario/template.js';
import { repoRoot } from '../../helpers/env.js';

const tmp = mkdtempSync(join(tmpdir(), 'kl-loader-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('scenario loader', () => {
  it('loads .ts scenarios that import from kindlab', async () => {
    const all = await loadScenarios([join(repoRoot, 'test/fixtures/scenarios')]);
    expect(all.map((s) => s.id)).toEqual(expect.arrayContaining(['context-tour', 'leaks-token', 'needs-gate-on']));
    const gate = all.find((s) => s.id === 'needs-gate-on')!;
    expect(gate.requires?.featureGates).toEqual({ MaxUnavailableStatefulSet: true });
    expect(typeof gate.run).toBe('function');
  });

  it('a file that does not compile is a usage error naming the file and the cause', async () => {
    const file = join(repoRoot, 'test/fixtures/bad-scenarios/broken.ts');
    const err = await loadScenarioFile(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScenarioLoadError);
    expect((err as ScenarioLoadError).exitCode).toBe(ExitCode.usage);
    expect((err as Error).message).toMatch(/broken\.ts does not compile or fails to load: /);
    expect((err as ScenarioLoadError).detail).toBeTruthy();
  });

  it('a file without a default export says what to write', async () => {
    const err = await loadScenarioFile(join(repoRoot, 'test/fixtures/bad-scenarios-2/no-export.ts')).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/no-export\.ts does not export a scenario/);
    expect((err as ScenarioLoadError).hint).toMatch(/export default defineScenario\(\{ id, title, run \}\)/);
  });

  it('validates what a file exports', () => {
    expect(() => validateScenario({ id: 'x', title: 'x' }, 'f.ts')).toThrow(/f\.ts: the scenario lacks run/);
    expect(() => validateScenario({ id: 'Not Kebab', title: 'x', run: () => {} }, 'f.ts')).toThrow(/id must be kebab-case/);
    expect(() => validateScenario({ id: 'x', title: 'x', run: 'no' }, 'f.ts')).toThrow(/run must be a function/);
  });

  it('refuses the same id twice and a missing folder', async () => {
    const a = join(tmp, 'a');
    const b = join(tmp, 'b');
    mkdirSync(a);
    mkdirSync(b);
    const body = `import { defineScenario } from 'kindlab';\nexport default defineScenario({ id: 'same', title: 't', async run() {} });\n`;
    writeFileSync(join(a, 'one.ts'), body);
    writeFileSync(join(b, 'two.ts'), body);
    writeFileSync(join(b, '_helper.ts'), 'export const x = 1;\n');
    writeFileSync(join(b, 'types.d.ts'), 'export {};\n');
    expect(scenarioFiles(b)).toEqual([join(b, 'two.ts')]);
    await expect(loadScenarios([a, b])).rejects.toThrow(/scenario id "same" is defined twice: .*one\.ts and .*two\.ts/);
    expect(() => scenarioFiles(join(tmp, 'nope'))).toThrow(/scenarios folder .*nope does not exist/);
  });

  it('the template `kindlab new scenario` writes loads as a valid scenario', async () => {
    const dir = join(tmp, 'new');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'my-feature.ts'), scenarioTemplate('my-feature'));
    const [s] = await loadScenarios([dir]);
    expect(s).toMatchObject({ id: 'my-feature', versions: '>=1.30', requires: { needs: 'api' } });
  });
});
