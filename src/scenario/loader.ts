// Loads scenario files at run time: the built-in catalogue compiled to JavaScript (dist/scenarios,
// imported natively), the user's TypeScript from --scenarios-dir with jiti, its transpiled output
// cached by content. `import { defineScenario } from 'kindlab'` resolves to this package.
// A file that does not compile or does not export a scenario is an error naming the file.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { UsageError } from '../errors.js';
import { declarationProblems } from './declaration.js';
import type { Scenario } from './types.js';

/**
 * The built-in catalogue: compiled beside the CLI (dist/scenario/loader.js → ../scenarios), or the
 * TypeScript sources when running from src/ (tests).
 */
export const BUILTIN_SCENARIOS_DIR = ((): string => {
  const compiled = fileURLToPath(new URL('../scenarios', import.meta.url));
  return existsSync(join(compiled, 'create-token.js')) ? compiled : fileURLToPath(new URL('../../scenarios', import.meta.url));
})();

/** jiti's transpile cache: by file content, so an unchanged scenario is not transpiled again. */
function transpileCache(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'kindlab', 'scenario-transpile');
}
/** `kindlab` in user files: dist/index.js when built, src/index.ts when running from source (tests). */
const PACKAGE_ENTRY = ((): string => {
  const js = fileURLToPath(new URL('../index.js', import.meta.url));
  return existsSync(js) ? js : fileURLToPath(new URL('../index.ts', import.meta.url));
})();

/** `kindlab/support` in user files: the helpers of the built-in scenarios (package.json "exports"). */
const SUPPORT_ENTRY = ((): string => {
  const js = fileURLToPath(new URL('../scenarios/_support/index.js', import.meta.url));
  return existsSync(js) ? js : fileURLToPath(new URL('../../scenarios/_support/index.ts', import.meta.url));
})();

export class ScenarioLoadError extends UsageError {}

/** Scenario files in a folder: *.ts (or the compiled *.js) at the top level, not starting with '_' or '.'. */
export function scenarioFiles(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new ScenarioLoadError(`scenarios folder ${dir} does not exist`, { hint: 'pass --scenarios-dir with a folder of .ts scenario files' });
  }
  return readdirSync(dir)
    .filter((f) => (f.endsWith('.ts') || f.endsWith('.js')) && !f.endsWith('.d.ts') && !f.startsWith('_') && !f.startsWith('.'))
    .sort()
    .map((f) => join(dir, f));
}

export function validateScenario(value: unknown, file: string): Scenario {
  const where = basename(file);
  if (!value || typeof value !== 'object') {
    throw new ScenarioLoadError(`${file} does not export a scenario`, {
      hint: `make it \`export default defineScenario({ id, title, run })\` (${where} default-exports ${value === undefined ? 'nothing' : typeof value})`,
    });
  }
  const s = value as Partial<Scenario>;
  const missing = (['id', 'title', 'run'] as const).filter((k) => s[k] === undefined);
  if (missing.length) throw new ScenarioLoadError(`${file}: the scenario lacks ${missing.join(', ')}`);
  if (typeof s.id !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(s.id)) throw new ScenarioLoadError(`${file}: id must be kebab-case, got ${JSON.stringify(s.id)}`);
  if (typeof s.run !== 'function') throw new ScenarioLoadError(`${file}: run must be a function`);
  const problems = declarationProblems(s);
  if (problems.length) {
    throw new ScenarioLoadError(`${file}: scenario ${s.id} declares ${problems.length === 1 ? problems[0] : `${problems.length} wrong fields:\n  ${problems.join('\n  ')}`}`, {
      hint: 'fix the declaration; src/scenario/types.ts documents every field',
    });
  }
  return s as Scenario;
}

export async function loadScenarioFile(file: string): Promise<Scenario> {
  let mod: unknown;
  try {
    if (file.endsWith('.js')) mod = await import(pathToFileURL(resolve(file)).href);
    else {
      const { createJiti } = await import('jiti');
      const jiti = createJiti(import.meta.url, { alias: { 'kindlab/support': SUPPORT_ENTRY, kindlab: PACKAGE_ENTRY }, moduleCache: false, fsCache: transpileCache(), interopDefault: false });
      mod = await jiti.import(resolve(file));
    }
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new ScenarioLoadError(`${file} does not compile or fails to load: ${msg.split('\n')[0]}`, { detail: msg, cause: e });
  }
  const def = mod && typeof mod === 'object' && 'default' in mod ? (mod as { default: unknown }).default : undefined;
  return validateScenario(def, file);
}

export async function loadScenarios(dirs: string[]): Promise<Scenario[]> {
  const out: Scenario[] = [];
  const seen = new Map<string, string>();
  for (const dir of dirs) {
    for (const file of scenarioFiles(dir)) {
      const s = await loadScenarioFile(file);
      const other = seen.get(s.id);
      if (other) throw new ScenarioLoadError(`scenario id "${s.id}" is defined twice: ${other} and ${file}`);
      seen.set(s.id, file);
      out.push(s);
    }
  }
  return out;
}
