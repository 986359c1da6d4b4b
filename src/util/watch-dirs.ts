// Waits for a change to a file in any of the given folders (each watched on its own: a Kubernetes
// tree is too large for one recursive watch, and only the folders a build reads matter).
// Editors write temporary files beside the real one; only names that `accept` takes count.
import { watch, type FSWatcher } from 'node:fs';

export interface DirWatcher {
  /** Resolves with the changed paths once the folders have been quiet for `quietMs` after a change; undefined when aborted. */
  next(quietMs: number): Promise<string[] | undefined>;
  close(): void;
  /** Folders that could not be watched (gone, or the inotify limit reached), with the first error. */
  failed: { count: number; first?: string };
}

export function watchDirs(dirs: readonly string[], accept: (name: string) => boolean, signal: AbortSignal): DirWatcher {
  let pending = new Set<string>();
  let events = 0;
  let wake: (() => void) | undefined;
  const failed: DirWatcher['failed'] = { count: 0 };
  const watchers: FSWatcher[] = [];
  for (const dir of dirs) {
    try {
      const w = watch(dir, { persistent: true }, (_event, name) => {
        if (!name || !accept(name.toString())) return;
        pending.add(`${dir}/${name.toString()}`);
        events += 1;
        wake?.();
      });
      w.on('error', () => undefined);
      watchers.push(w);
    } catch (e) {
      failed.count += 1;
      failed.first ??= `${dir}: ${(e as Error).message}`;
    }
  }
  const close = (): void => {
    for (const w of watchers) w.close();
  };
  signal.addEventListener('abort', () => wake?.(), { once: true });
  const waitForEvent = (ms?: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(finish, ms);
      function finish(): void {
        if (timer) clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = finish;
    });
  return {
    failed,
    close,
    async next(quietMs) {
      // Changes made while the last cycle ran count: they are the next cycle's.
      while (pending.size === 0 && !signal.aborted) await waitForEvent();
      // An editor's save is several events; a build waits until they have settled.
      for (let seen = -1; seen !== events && !signal.aborted; ) {
        seen = events;
        await waitForEvent(quietMs);
      }
      if (signal.aborted) return undefined;
      const changed = [...pending].sort();
      pending = new Set();
      return changed;
    },
  };
}
