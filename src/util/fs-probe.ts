// Read-only answers about a path, for inputs checked before any work (report files, the state
// folder): what is there, the nearest part of it that exists, and whether we may write into it.
import { accessSync, constants, statSync } from 'node:fs';
import { dirname } from 'node:path';

/** 'dir', 'file', or undefined when nothing is there. */
export function pathKind(p: string): 'dir' | 'file' | undefined {
  try {
    return statSync(p).isDirectory() ? 'dir' : 'file';
  } catch {
    return undefined;
  }
}

/** `p` itself if it exists, else its nearest ancestor that does (what a mkdir -p would build on). */
export function nearestExisting(p: string): { path: string; kind: 'dir' | 'file' } {
  let at = p;
  let kind = pathKind(at);
  while (kind === undefined && dirname(at) !== at) {
    at = dirname(at);
    kind = pathKind(at);
  }
  return { path: at, kind: kind ?? 'dir' };
}

/** Whether this process may write there (a folder: create entries in it; a file: overwrite it). */
export function canWrite(p: string): boolean {
  try {
    accessSync(p, pathKind(p) === 'dir' ? constants.W_OK | constants.X_OK : constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
