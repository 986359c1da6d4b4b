// `kindlab run --list`: what a run would run, the selection and then the shard of it (so a CI
// shard can be checked before it runs). Kept apart from the run itself so listing loads nothing
// that runs scenarios.
import type { AppEnv } from '../app/env.js';
import * as runs from '../app/scenario-runs.js';
import { inShard } from '../plan/shard.js';
import type { Scenario } from '../scenario/types.js';
import type { RunRequest } from './run.js';

export async function listScenarios(app: AppEnv, req: Pick<RunRequest, 'scenariosDir' | 'builtin' | 'selectors' | 'shard'>): Promise<Scenario[]> {
  return inShard(await runs.selectScenarios(app, req, req.selectors), (s) => s.id, req.shard);
}
