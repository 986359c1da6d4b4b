// `kindlab reload --watch`: a reload (and the selected scenarios) after every saved edit to a file
// that one of the reloadable components is built from. A failed build or reload is shown and the
// watch goes on: the next save is the fix.
import { join } from 'node:path';
import type { AppEnv } from '../app/env.js';
import { componentPackageDirs } from '../reload/dependency-graph.js';
import { RELOAD_TARGETS } from '../reload/components.js';
import { watchDirs } from '../util/watch-dirs.js';

export interface WatchCycle {
  /** Files saved since the last cycle (none for the first). */
  changed: string[];
}

/**
 * Runs `cycle` after each settled save until Ctrl-C (the caller has run the first one). `kubeRoot` is the checkout the
 * cycles build from; the folders watched are those of every package a reloadable component is
 * built from (Go's dependency graph), and the module files.
 */
export async function watchReloads(app: AppEnv, kubeRoot: string, cycle: (c: WatchCycle) => Promise<void>): Promise<void> {
  const dirs = await componentPackageDirs(kubeRoot, RELOAD_TARGETS, { runner: app.runner, env: app.env, signal: app.signal });
  const folders = new Set<string>(['.']);
  for (const set of dirs.values()) for (const d of set) folders.add(d);
  const watcher = watchDirs([...folders].map((d) => join(kubeRoot, d)), (name) => name.endsWith('.go') || /^go\.(mod|sum|work)$/.test(name) || name === '.go-version', app.signal);
  if (watcher.failed.count) app.log.warn(`${watcher.failed.count} of ${folders.size} folders cannot be watched (${watcher.failed.first}); raise fs.inotify.max_user_watches (kindlab doctor)`);
  app.progress(`watching ${folders.size - watcher.failed.count} folders of ${kubeRoot} (what ${RELOAD_TARGETS.join(', ')} are built from); Ctrl-C ends\n`);
  try {
    for (;;) {
      const changed = await watcher.next(300);
      if (!changed) return;
      app.progress(`\nsaved: ${changed.map((f) => f.slice(kubeRoot.length + 1)).join(', ')}\n`);
      await cycle({ changed });
      if (app.signal.aborted) return;
    }
  } finally {
    watcher.close();
  }
}
