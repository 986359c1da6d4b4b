// `kindlab ls`: clusters and images kindlab manages, checked against reality.
import type { Command } from 'commander';
import { Option } from 'commander';
import { age, table } from '../util/table.js';
import type { CliContext } from './context.js';
import type { CommandModule } from './registry.js';

interface LsFlags {
  output: 'text' | 'json';
  prune?: boolean;
}

export const register: CommandModule['register'] = (cmd: Command, run) => {
  cmd
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--prune', 'forget clusters deleted outside kindlab and images removed from docker; clean up interrupted creations')
    .addHelpText(
      'after',
      `
Examples:
  kindlab ls
  kindlab ls -o json | jq '.clusters[].name'
  kindlab ls --prune`,
    )
    .action(run(async () => handler));
};

async function handler(ctx: CliContext, flags: LsFlags): Promise<number> {
  const { inventory, prune } = await import('../workflows/ls.js');
  const inv = await inventory(ctx);
  const pruned = flags.prune ? await prune(ctx, inv) : [];
  if (flags.output === 'json') {
    ctx.io.stdout(
      JSON.stringify(
        {
          clusters: inv.clusters.map((r) => ({ ...r.record, observed: r.observed, note: r.note })),
          images: inv.images.map((r) => ({ ...r.record, observed: r.observed })),
          pruned,
          warnings: inv.warnings,
        },
        null,
        2,
      ) + '\n',
    );
    return 0;
  }
  for (const w of inv.warnings) ctx.log.warn(w);
  ctx.io.stdout('CLUSTERS\n');
  ctx.io.stdout(
    inv.clusters.length === 0
      ? '  (none)\n'
      : table(
          ['NAME', 'PROVIDER', 'VERSION', 'COMMIT', 'IMAGE', 'AGE', 'STATE'],
          inv.clusters.map((r) => [
            r.record.name,
            r.record.provider,
            r.record.kubernetesVersion ?? '-',
            r.record.commit?.slice(0, 12) ?? '-',
            r.record.image ?? r.record.binDir ?? '-',
            age(r.record.createdAt),
            r.observed + (r.note ? ` (${r.note})` : ''),
          ]),
        ),
  );
  ctx.io.stdout('\nIMAGES\n');
  ctx.io.stdout(
    inv.images.length === 0
      ? '  (none)\n'
      : table(
          ['IMAGE', 'KIND', 'DESCRIBE', 'COMMIT', 'BUILT', 'STATE'],
          inv.images.map((r) => [r.record.tag, r.record.kind, r.record.describe, r.record.commit.slice(0, 12), age(r.record.builtAt), r.observed]),
        ),
  );
  const stale = inv.clusters.filter((r) => r.observed === 'missing' || r.observed === 'interrupted').length + inv.images.filter((r) => r.observed === 'missing').length;
  if (pruned.length) ctx.io.stdout(`\npruned: ${pruned.join(', ')}\n`);
  else if (stale) ctx.io.stdout(`\n${stale} record(s) no longer match reality; run kindlab ls --prune to forget them\n`);
  return 0;
}
