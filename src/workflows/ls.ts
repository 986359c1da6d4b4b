// `kindlab ls`: reconciles kindlab's records with reality: clusters deleted by hand, creations that died
// half-way, images removed from docker. Used by `ls` (to show) and `ls --prune` (to forget).
import { Docker } from '../docker/docker.js';
import type { AppEnv } from '../app/env.js';
import { providerContext } from '../app/env.js';
import type { ClusterRecord, ImageRecord } from '../state/records.js';
import { pidAlive } from '../util/pid.js';

export type Observed = 'ready' | 'creating' | 'deleting' | 'failed' | 'missing' | 'interrupted' | 'reloading' | 'reload-interrupted' | 'upgrading' | 'upgrade-interrupted' | 'unknown';

export interface ClusterRow {
  record: ClusterRecord;
  observed: Observed;
  note?: string;
}

export interface ImageRow {
  record: ImageRecord;
  observed: 'present' | 'missing' | 'unknown';
}


export async function inventory(ctx: AppEnv): Promise<{ clusters: ClusterRow[]; images: ImageRow[]; warnings: string[] }> {
  const warnings: string[] = [];
  const records = ctx.store.listClusters();
  const liveByProvider = new Map<string, Set<string> | undefined>();
  for (const p of new Set(records.map((r) => r.provider))) {
    try {
      const live = await (await ctx.providers.get(p)).listLive(providerContext(ctx));
      liveByProvider.set(p, new Set(live.filter((l) => l.ownedByKindlab).map((l) => l.name)));
    } catch (e) {
      liveByProvider.set(p, undefined);
      warnings.push(`cannot check ${p} clusters: ${(e as Error).message}`);
    }
  }
  const clusters = records.map((record): ClusterRow => {
    const live = liveByProvider.get(record.provider);
    const busy = (record.state === 'creating' || record.state === 'deleting') && pidAlive(record.ownerPid);
    if (busy) return { record, observed: record.state };
    if (record.state === 'creating' || record.state === 'deleting') {
      return { record, observed: 'interrupted', note: `kindlab process ${record.ownerPid} died while ${record.state}` };
    }
    if (!live) return { record, observed: 'unknown' };
    if (!live.has(record.name)) return { record, observed: 'missing', note: 'deleted outside kindlab' };
    if (record.reloading) return reloadRow(record, record.reloading);
    if (record.upgrading) return upgradeRow(record, record.upgrading);
    const last = record.reloads?.at(-1);
    if (last) return { record, observed: record.state, note: `runs ${record.source?.describe ?? last.to}${last.failed ? `; the last reload (to ${last.to}) failed: ${last.failed}` : ''}` };
    return { record, observed: record.state };
  });

  const imageRecords = ctx.store.listImages();
  const docker = new Docker(ctx.runner, ctx.signal);
  let dockerUp = true;
  if (imageRecords.some((r) => r.kind === 'node-image')) {
    try {
      await docker.requireDaemon();
    } catch {
      dockerUp = false;
      warnings.push('docker is not reachable: image state unknown');
    }
  }
  const images: ImageRow[] = [];
  for (const record of imageRecords) {
    if (record.kind !== 'node-image') {
      images.push({ record, observed: 'present' });
      continue;
    }
    if (!dockerUp) {
      images.push({ record, observed: 'unknown' });
      continue;
    }
    images.push({ record, observed: (await docker.imageInfo(record.tag)) ? 'present' : 'missing' });
  }
  return { clusters, images, warnings };
}

/** A reload under way, or one whose process died: what landed, and what may run either build. */
function reloadRow(record: ClusterRecord, r: NonNullable<ClusterRecord['reloading']>): ClusterRow {
  const landed = r.replaced.length ? `replaced ${r.replaced.map((x) => `${x.component} on ${x.where}`).join(', ')}` : 'nothing replaced yet';
  const between = r.replacing?.length ? `; ${r.replacing.map((x) => `${x.component} on ${x.where}`).join(', ')} may run either build` : '';
  if (pidAlive(r.ownerPid)) return { record, observed: 'reloading', note: `${r.from} → ${r.to}: ${landed}${between}` };
  return {
    record,
    observed: 'reload-interrupted',
    note: `kindlab process ${r.ownerPid} died reloading ${r.from} → ${r.to}: ${landed}${between}; the rest run ${r.from}. kindlab reload --cluster ${record.name} goes on from here; kindlab down ${record.name} removes it`,
  };
}

/** An upgrade under way, or one whose process died: the steps that landed, and the one under way. */
function upgradeRow(record: ClusterRecord, u: NonNullable<ClusterRecord['upgrading']>): ClusterRow {
  const landed = u.steps.length ? `done: ${u.steps.map((x) => `${x.step} on ${x.where}`).join(', ')}` : 'no step done yet';
  const between = u.doing ? `; ${u.doing.step} on ${u.doing.where} was under way (that part may be at either version)` : '';
  if (pidAlive(u.ownerPid)) return { record, observed: 'upgrading', note: `${u.from} → ${u.to}: ${landed}${between}` };
  return {
    record,
    observed: 'upgrade-interrupted',
    note: `kindlab process ${u.ownerPid} died upgrading ${u.from} → ${u.to}: ${landed}${between}. kindlab upgrade --cluster ${record.name} --to <ref> tries again; kindlab down ${record.name} removes it`,
  };
}

/** Forgets records that no longer match reality; deletes leftovers of interrupted creations. */
export async function prune(ctx: AppEnv, rows: { clusters: ClusterRow[]; images: ImageRow[] }): Promise<string[]> {
  const pruned: string[] = [];
  for (const row of rows.clusters) {
    if (row.observed === 'missing' || row.observed === 'interrupted') {
      if (row.observed === 'interrupted') {
        const provider = await ctx.providers.get(row.record.provider);
        await provider.delete(row.record, { runner: ctx.runner, store: ctx.store, log: ctx.log }).catch(() => undefined);
      }
      ctx.store.removeCluster(row.record.name);
      pruned.push(`cluster ${row.record.name}`);
    }
  }
  for (const row of rows.images) {
    if (row.observed === 'missing') {
      ctx.store.removeImage(row.record.kind, row.record.commit);
      pruned.push(`image ${row.record.tag}`);
    }
  }
  return pruned;
}
