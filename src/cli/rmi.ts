// `kindlab rmi [image...] | --all`: remove node images kindlab built, and only those (they carry
// the io.kindlab.managed label); component builds are removed from the state folder.
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { CliContext } from './context.js';
import type { CommandModule } from './registry.js';

export const register: CommandModule['register'] = (cmd: Command, run) => {
  cmd
    .argument('[images...]', 'image tags (kindlab/node:...) to remove')
    .option('--all', 'remove every image and component build kindlab made')
    .addHelpText('after', `\nExamples:\n  kindlab rmi kindlab/node:v1.33.0\n  kindlab rmi --all`)
    .action(run(async () => handler));
};

async function handler(ctx: CliContext, images: string[], flags: { all?: boolean }): Promise<number> {
  if (flags.all === (images.length > 0)) throw new UsageError('give image tags or --all (one of them)');
  const { rmiWorkflow } = await import('../workflows/rmi.js');
  await rmiWorkflow(ctx, flags.all ? 'all' : images, (tag) => ctx.io.stdout(`removed ${tag}\n`));
  return 0;
}
