// `kindlab new scenario <id>`: writes a commented scenario template (src/workflows/new.ts).
import type { Command } from 'commander';
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
  const { newWorkflow } = await import('../workflows/new.js');
  ctx.io.stdout(`${newWorkflow(ctx, what, id, flags.dir)}\n`);
  return 0;
}
