// A cluster's record changed while the cluster changes under it (reload, upgrade): the cluster
// checked changeable first, each update under the store's lock, the tree it runs kept with the
// patch of its uncommitted edits.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { AppEnv } from './env.js';
import { ConflictError, UsageError } from '../errors.js';
import { writeFileAtomic } from '../state/atomic.js';
import type { ClusterRecord } from '../state/records.js';
import { pidAlive } from '../util/pid.js';
import { foreignClusterProvider } from './foreign-cluster.js';

/** A cluster kindlab created and can change now; one it did not create is refused by name. */
export async function changeableCluster(app: AppEnv, name: string): Promise<ClusterRecord> {
  const rec = app.store.getCluster(name);
  if (!rec) {
    const foreign = await foreignClusterProvider(app, name);
    if (foreign) throw new ConflictError(`${foreign} cluster "${name}" was not created by kindlab; refusing to change it`, { hint: 'kindlab changes only clusters it created (kindlab up)' });
    const known = app.store.listClusters().map((r) => r.name);
    throw new UsageError(`no kindlab cluster named "${name}"`, { hint: known.length ? `kindlab knows: ${known.join(', ')}` : 'create one with kindlab up --ref HEAD' });
  }
  if (rec.state !== 'ready') throw new UsageError(`cluster "${name}" is ${rec.state}, not ready`, { hint: 'kindlab ls says why' });
  if (rec.reloading && rec.reloading.ownerPid !== process.pid && pidAlive(rec.reloading.ownerPid)) {
    throw new ConflictError(`cluster "${name}" is being reloaded by kindlab process ${rec.reloading.ownerPid} (to ${rec.reloading.to})`, { hint: 'wait for it to finish' });
  }
  if (rec.upgrading && rec.upgrading.ownerPid !== process.pid && pidAlive(rec.upgrading.ownerPid)) {
    throw new ConflictError(`cluster "${name}" is being upgraded by kindlab process ${rec.upgrading.ownerPid} (to ${rec.upgrading.to})`, { hint: 'wait for it to finish' });
  }
  return rec;
}

/** The tree the cluster now runs, with the patch of its uncommitted edits in the cluster's folder (undefined: unchanged). */
export async function recordTree(app: AppEnv, name: string, tree: { commit: string; describe: string; kubeRoot: string; patch?: string } | undefined): Promise<void> {
  if (!tree) return;
  const patchFile = join(app.store.clusterDir(name), 'source.patch');
  if (tree.patch) writeFileAtomic(patchFile, tree.patch, 0o600);
  else rmSync(patchFile, { force: true });
  await updateCluster(app, name, (r) => ({ ...r, commit: tree.commit, source: { commit: tree.commit, describe: tree.describe, kubeRoot: tree.kubeRoot, patchFile: tree.patch ? patchFile : undefined } }));
}

export function updateCluster(app: AppEnv, name: string, fn: (r: ClusterRecord) => ClusterRecord): Promise<void> {
  return app.store.lock(() => {
    const now = app.store.getCluster(name);
    if (now) app.store.saveCluster(fn(now));
  });
}

/**
 * A marker of work under way in the record (`reloading`, `upgrading`) kept in step with `progress`:
 * each `record()` writes a snapshot, in the order things happened; `written()` waits for them.
 */
export function progressMarker<K extends 'reloading' | 'upgrading'>(app: AppEnv, name: string, key: K, progress: NonNullable<ClusterRecord[K]>): { record(): void; written(): Promise<void> } {
  let written = updateCluster(app, name, (r) => ({ ...r, [key]: structuredClone(progress) }));
  return {
    record: () => {
      const snapshot = structuredClone(progress);
      written = written.then(() => updateCluster(app, name, (r) => ({ ...r, [key]: snapshot })));
    },
    written: () => written,
  };
}
