// Once per run of the real-kind tier: the tier's home keeps its image records (a cache), not the
// runs and logs of earlier runs, nor the clusters an interrupted run left in it.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { kindlabBin } from './env.js';

const home = process.env.KINDLAB_KIND_TIER_HOME ?? join(homedir(), '.cache', 'kindlab', 'kind-tier');

/**
 * Deletes the clusters the tier's home records that still exist, with kindlab itself: it deletes
 * only what this home created. Returns their names. `.ci/run` does the same after an early stop,
 * when the tests' own cleanup was cut short by its SIGINT.
 */
function downWhatTheTierLeft(): string[] {
  const run = (args: string[]) =>
    spawnSync(process.execPath, [kindlabBin, ...args], { env: { ...process.env, KINDLAB_HOME: home, HOME: home, NO_COLOR: '1' }, encoding: 'utf8' });
  const ls = run(['ls', '-o', 'json']);
  // without docker or kind the tier's tests say why they cannot run; there is nothing to delete either
  if (ls.status !== 0) {
    console.warn(`kind tier: kindlab ls in its home failed (${ls.status}), nothing deleted: ${ls.stderr.trim()}`);
    return [];
  }
  const left = (JSON.parse(ls.stdout) as { clusters: Array<{ name: string; observed: string }> }).clusters
    .filter((c) => c.observed !== 'missing')
    .map((c) => c.name);
  if (left.length === 0) return [];
  const down = run(['down', ...left]);
  if (down.status !== 0) throw new Error(`kindlab down ${left.join(' ')} in the kind tier's home failed (${down.status}): ${down.stderr}`);
  return left;
}

export default function setup(): () => void {
  const earlier = downWhatTheTierLeft();
  if (earlier.length > 0) console.warn(`kind tier: deleted ${earlier.join(', ')}, left by an earlier run that was stopped`);
  for (const sub of ['runs', 'logs', 'worktrees', 'builds']) rmSync(join(home, sub), { recursive: true, force: true });
  // Every test downs what it brought up; one that did not is a failure of this run, not only a mess.
  return () => {
    const left = downWhatTheTierLeft();
    if (left.length > 0) throw new Error(`the kind tier's tests left clusters behind: ${left.join(', ')} (deleted now)`);
  };
}
