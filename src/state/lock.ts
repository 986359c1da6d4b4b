// A cross-process lock on kindlab's state: short critical sections (reserve a name, update a
// record) take it, so two kindlab processes never clobber each other's state. A lock left by a
// dead process is taken over.
import { closeSync, openSync, readFileSync, rmSync, writeSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { EnvironmentError } from '../errors.js';
import { pidAlive } from '../util/pid.js';


function tryAcquire(path: string): boolean {
  try {
    const fd = openSync(path, 'wx', 0o600);
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    let holder = NaN;
    try {
      holder = Number(readFileSync(path, 'utf8').trim());
    } catch {
      return false; // released or being written; retry
    }
    if (Number.isInteger(holder) && holder > 0 && !pidAlive(holder)) {
      rmSync(path, { force: true });
    }
    return false;
  }
}

export interface LockOptions {
  timeoutMs?: number;
  /** Called once when the lock is busy, with the holder's pid. */
  onWait?: (holder: string) => void;
  signal?: AbortSignal;
}

export async function withLock<T>(path: string, fn: () => Promise<T> | T, options: number | LockOptions = {}): Promise<T> {
  const { timeoutMs = 30_000, onWait, signal } = typeof options === 'number' ? { timeoutMs: options } : options;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const deadline = Date.now() + timeoutMs;
  let delay = 10;
  let told = false;
  while (!tryAcquire(path)) {
    if (signal?.aborted) throw signal.reason;
    if (!told && onWait) {
      told = true;
      let holder = '?';
      try {
        holder = readFileSync(path, 'utf8').trim();
      } catch {
        /* released meanwhile */
      }
      onWait(holder);
    }
    if (Date.now() > deadline) {
      let holder = '?';
      try {
        holder = readFileSync(path, 'utf8').trim();
      } catch {
        /* gone meanwhile */
      }
      throw new EnvironmentError(`kindlab state is locked by process ${holder} (${path})`, {
        hint: 'wait for the other kindlab command to finish; if no kindlab is running, delete the lock file',
      });
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 200);
  }
  try {
    return await fn();
  } finally {
    rmSync(path, { force: true });
  }
}
