// The cluster a command that changes one acts on (reload, upgrade).
import { UsageError } from '../errors.js';
import type { CliContext } from './context.js';

/** --cluster, else the only cluster kindlab has, else the default name `up` gives. */
export function pickCluster(ctx: CliContext, flag: string | undefined, what = 'reload'): string {
  if (flag) return flag;
  const all = ctx.store.listClusters();
  if (all.length === 1) return all[0]!.name;
  if (all.some((r) => r.name === 'kindlab')) return 'kindlab';
  throw new UsageError(all.length ? `which cluster? kindlab has ${all.length}: ${all.map((r) => r.name).join(', ')}` : `kindlab has no cluster to ${what}`, {
    hint: all.length ? 'give --cluster NAME' : 'create one from your checkout first: kindlab up --ref HEAD --kube-root ~/src/kubernetes',
  });
}
