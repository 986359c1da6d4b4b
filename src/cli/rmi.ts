// `kindlab rmi [image...] | --all`: remove node images kindlab built, and only those (they carry
// the io.kindlab.managed label); component builds are removed from the state folder.
import type { Command } from 'commander';
import { ConflictError, UsageError } from '../errors.js';
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
  const { Docker } = await import('../docker/docker.js');
  const { LABEL_MANAGED } = await import('../docker/labels.js');
  const { rmSync } = await import('node:fs');
  const { dirname } = await import('node:path');
  if (flags.all === (images.length > 0)) throw new UsageError('give image tags or --all (one of them)');
  const docker = new Docker(ctx.runner, ctx.signal);
  const records = ctx.store.listImages();
  const targets = flags.all ? records.map((r) => r.tag) : images;
  for (const tag of targets) {
    const rec = records.find((r) => r.tag === tag);
    if (rec?.kind === 'components') {
      if (rec.binDir) rmSync(dirname(rec.binDir), { recursive: true, force: true });
      ctx.store.removeImage(rec.kind, rec.commit);
      ctx.io.stdout(`removed ${tag}\n`);
      continue;
    }
    const info = await docker.imageInfo(tag);
    if (info && info.labels[LABEL_MANAGED] !== 'true') {
      throw new ConflictError(`image ${tag} was not built by kindlab (no ${LABEL_MANAGED} label); refusing to remove it`);
    }
    if (!info && !rec) throw new UsageError(`no kindlab image ${tag}`, { hint: 'kindlab ls lists the images kindlab built' });
    if (info) await docker.removeImage(tag);
    if (rec) ctx.store.removeImage(rec.kind, rec.commit);
    ctx.io.stdout(`removed ${tag}\n`);
  }
  return 0;
}
