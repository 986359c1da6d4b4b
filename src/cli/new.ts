// `kindlab new scenario <id>`: writes a commented scenario template (never over an existing file).
import type { Command } from 'commander';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConflictError, UsageError } from '../errors.js';
import type { CliContext } from './context.js';
import type { CommandModule } from './registry.js';

export const register: CommandModule['register'] = (cmd: Command, run) => {
  cmd
    .argument('<what>', 'what to create: scenario')
    .argument('<id>', 'kebab-case scenario id')
    .option('--dir <dir>', 'folder to write into', 'scenarios')
    .addHelpText('after', `\nExamples:\n  kindlab new scenario my-feature --dir ./my-scenarios\n  kindlab run --cluster dev --scenarios-dir ./my-scenarios my-feature`)
    .action(run(async () => handler));
};

async function handler(ctx: CliContext, what: string, id: string, flags: { dir: string }): Promise<number> {
  if (what !== 'scenario') throw new UsageError(`kindlab new knows "scenario", not "${what}"`);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) throw new UsageError(`scenario id "${id}" must be kebab-case (a-z, 0-9, -)`);
  const { scenarioTemplate } = await import('../scenario/template.js');
  const dir = resolve(ctx.cwd, flags.dir);
  const file = join(dir, `${id}.ts`);
  if (existsSync(file)) throw new ConflictError(`${file} already exists; not overwriting it`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, scenarioTemplate(id), { flag: 'wx' });
  ctx.io.stdout(`${file}\n`);
  return 0;
}
