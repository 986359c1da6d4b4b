// `kindlab new scenario <id>`: writes a commented scenario template, never over an existing file.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AppEnv } from '../app/env.js';
import { ConflictError, UsageError } from '../errors.js';
import { scenarioTemplate } from '../scenario/template.js';

export function newWorkflow(app: AppEnv, what: string, id: string, dir: string): string {
  if (what !== 'scenario') throw new UsageError(`kindlab new knows "scenario", not "${what}"`);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) throw new UsageError(`scenario id "${id}" must be kebab-case (a-z, 0-9, -)`);
  const folder = resolve(app.cwd, dir);
  const file = join(folder, `${id}.ts`);
  if (existsSync(file)) throw new ConflictError(`${file} already exists; not overwriting it`);
  mkdirSync(folder, { recursive: true });
  writeFileSync(file, scenarioTemplate(id), { flag: 'wx' });
  return file;
}
