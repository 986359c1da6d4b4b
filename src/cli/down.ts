// `kindlab down [name...] | --all`: delete clusters kindlab created, and only those
// (src/workflows/down.ts).
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { CliContext } from './context.js';
import type { CommandModule } from './registry.js';

interface DownFlags {
  all?: boolean;
  dryRun?: boolean;
}

export const register: CommandModule['register'] = (cmd: Command, run) => {
  cmd
    .argument('[names...]', 'clusters to delete')
    .option('--all', 'delete every cluster kindlab created')
    .option('--dry-run', 'print the commands, do nothing')
    .addHelpText(
      'after',
      `
Examples:
  kindlab down kindlab
  kindlab down dev test-1
  kindlab down --all --dry-run`,
    )
    .action(run(async () => handler));
};

async function handler(ctx: CliContext, names: string[], flags: DownFlags): Promise<number> {
  const { downWorkflow } = await import('../workflows/down.js');
  const { commandEnv } = await import('./dry-run.js');
  if (flags.all && names.length > 0) throw new UsageError('give cluster names or --all, not both');
  if (!flags.all && names.length === 0) {
    throw new UsageError('which cluster? give one or more names, or --all', { hint: 'kindlab ls shows the clusters kindlab created' });
  }
  const { app } = commandEnv(ctx, flags);
  const deleted = await downWorkflow(app, flags.all ? 'all' : names);
  if (!flags.dryRun) for (const n of deleted) ctx.io.stdout(`deleted ${n}\n`);
  else if (deleted.length === 0) ctx.io.stdout('nothing to delete\n');
  return 0;
}

