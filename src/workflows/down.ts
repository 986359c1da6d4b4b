// Deletes kindlab clusters by name. Names kindlab does not know are refused, with a different
// message when a kind cluster of that name exists (kindlab did not create it).
import { ConflictError, UsageError } from '../errors.js';
import type { CliContext } from '../cli/context.js';
import { Kind } from '../kind/driver.js';
import { getProvider } from './providers.js';

export async function deleteClusters(ctx: CliContext, names: string[] | 'all', dryRun: boolean): Promise<string[]> {
  const known = ctx.store.listClusters();
  const targets = names === 'all' ? known : names.map((n) => known.find((r) => r.name === n) ?? n);
  for (const t of targets) {
    if (typeof t === 'string') {
      const kindClusters = await new Kind(ctx.runner, ctx.signal).clusters().catch(() => [] as string[]);
      if (kindClusters.includes(t)) {
        throw new ConflictError(`kind cluster "${t}" was not created by kindlab; refusing to delete it`, {
          hint: `if you really want it gone: kind delete cluster --name ${t}`,
        });
      }
      throw new UsageError(`no kindlab cluster named "${t}"`, {
        hint: known.length ? `kindlab knows: ${known.map((r) => r.name).join(', ')}` : 'kindlab has no clusters (kindlab ls)',
      });
    }
  }
  const deleted: string[] = [];
  for (const rec of targets) {
    if (typeof rec === 'string') continue;
    const provider = await getProvider(rec.provider);
    if (!dryRun) await ctx.store.lock(() => ctx.store.saveCluster({ ...rec, state: 'deleting', ownerPid: process.pid }));
    await provider.delete(rec, { runner: ctx.runner, store: ctx.store, log: ctx.log, signal: ctx.signal, dryRun });
    deleted.push(rec.name);
  }
  return deleted;
}
