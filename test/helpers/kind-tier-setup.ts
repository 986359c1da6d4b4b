// Once per run of the real-kind tier: the tier's home keeps its image records (a cache), not the
// runs and logs of earlier runs.
import { rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export default function setup(): void {
  const home = process.env.KINDLAB_KIND_TIER_HOME ?? join(homedir(), '.cache', 'kindlab', 'kind-tier');
  for (const sub of ['runs', 'logs', 'worktrees', 'builds']) rmSync(join(home, sub), { recursive: true, force: true });
}
