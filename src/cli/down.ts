// `kindlab down [name...] | --all`: delete clusters kindlab created, and only those.
import type { Command } from 'commander';
import { ConflictError, UsageError } from '../errors.js';
import type { CliContext } from './context.js';
import { dryRunContext } from './dry-run.js';
import type { CommandModule } from './main.js';

interface DownFlags {
  all?: boolean;
  dryRun?: boolean;
}

export const register: CommandModule['register'] = (program: Command, run) => {
  program
    .command('down')
    .argument('[names...]', 'clusters to delete')
    .description('delete clusters kindlab created (never one it did not create)')
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
  const { deleteClusters } = await import('../cluster/delete.js');
  if (flags.all && names.length > 0) throw new UsageError('give cluster names or --all, not both');
  if (!flags.all && names.length === 0) {
    throw new UsageError('which cluster? give one or more names, or --all', { hint: 'kindlab ls shows the clusters kindlab created' });
  }
  const c = flags.dryRun ? dryRunContext(ctx) : ctx;
  const deleted = await deleteClusters(c, flags.all ? 'all' : names, Boolean(flags.dryRun));
  if (!flags.dryRun) for (const n of deleted) ctx.io.stdout(`deleted ${n}\n`);
  else if (deleted.length === 0) ctx.io.stdout('nothing to delete\n');
  return 0;
}

