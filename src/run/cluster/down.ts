// A cluster this run created, deleted by its provider. Never with the run's signal: a Ctrl-C must
// not stop the deletion it asks for.
import { phasesOf, providerContext } from '../../app/env.js';
import type { ClusterRecord } from '../../state/records.js';
import type { RunContext } from '../context.js';

/** Deletes one cluster; false (with a warning) when its provider could not. */
export async function down(ctx: RunContext, rec: ClusterRecord, quiet = false): Promise<boolean> {
  const { app } = ctx;
  try {
    const provider = await app.providers.get(rec.provider);
    const remove = () => provider.delete(rec, { ...providerContext(app), signal: undefined });
    if (quiet) await remove();
    else await phasesOf(app).run(`down ${rec.name}`, remove);
    ctx.created.splice(ctx.created.indexOf(rec), 1);
    return true;
  } catch (e) {
    app.log.warn(`could not delete ${rec.name}: ${(e as Error).message}`);
    return false;
  }
}

/** The end of every run: what it created and still exists is deleted, newest first, unless --keep. */
export async function cleanup(ctx: RunContext): Promise<void> {
  const { app } = ctx;
  if (ctx.request.opts.keep) {
    const names = ctx.created.map((r) => r.name);
    if (names.length) app.log.info(`--keep: clusters left running: ${names.join(', ')} (kindlab down ${names.join(' ')})`);
    return;
  }
  for (const rec of [...ctx.created].reverse()) {
    app.log.info(`cleaning up: deleting cluster ${rec.name}`);
    await down(ctx, rec, true);
  }
}
