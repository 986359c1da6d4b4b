// `kindlab down`: deletes kindlab clusters by name. Names kindlab does not know are refused, with
// a different message when a provider has a live cluster of that name (kindlab did not create it).
import type { AppEnv } from '../app/env.js';
import { providerContext } from '../app/env.js';
import { foreignClusterProvider } from '../app/foreign-cluster.js';
import { ConflictError, UsageError } from '../errors.js';

export async function downWorkflow(app: AppEnv, names: string[] | 'all'): Promise<string[]> {
  const known = app.store.listClusters();
  const targets = names === 'all' ? known : names.map((n) => known.find((r) => r.name === n) ?? n);
  for (const t of targets) {
    if (typeof t !== 'string') continue;
    const foreign = await foreignClusterProvider(app, t);
    if (foreign) {
      throw new ConflictError(`${foreign} cluster "${t}" was not created by kindlab; refusing to delete it`, {
        hint: `if you really want it gone, delete it with ${foreign} itself (e.g. ${foreign} delete cluster --name ${t})`,
      });
    }
    throw new UsageError(`no kindlab cluster named "${t}"`, {
      hint: known.length ? `kindlab knows: ${known.map((r) => r.name).join(', ')}` : 'kindlab has no clusters (kindlab ls)',
    });
  }
  const deleted: string[] = [];
  for (const rec of targets) {
    if (typeof rec === 'string') continue;
    const provider = await app.providers.get(rec.provider);
    if (!app.dryRun) await app.store.lock(() => app.store.saveCluster({ ...rec, state: 'deleting', ownerPid: process.pid }));
    await provider.delete(rec, providerContext(app));
    deleted.push(rec.name);
  }
  return deleted;
}
