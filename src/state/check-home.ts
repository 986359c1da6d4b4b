// Checked before any command works: the state folder must be a folder kindlab can write, or be
// creatable. Otherwise a run ends in a raw EEXIST/ENOTDIR after its work, and `ls` on a file
// reports "no clusters" as if that were true.
import { accessSync, constants, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { EnvironmentError } from '../errors.js';

const FIX = 'set KINDLAB_HOME to a folder you can write (it is created if missing), or unset it for ~/.kindlab';

export function checkStateHome(root: string, from: string): void {
  let at = root;
  for (;;) {
    let isDir: boolean | undefined;
    try {
      isDir = statSync(at).isDirectory();
    } catch {
      isDir = undefined;
    }
    if (isDir === false) {
      throw new EnvironmentError(`kindlab's state folder ${root} (${from}) cannot be used: ${at === root ? 'it is a file' : `${at} is a file`}, not a folder`, { hint: FIX });
    }
    if (isDir) {
      try {
        accessSync(at, constants.W_OK | constants.X_OK);
      } catch {
        throw new EnvironmentError(`kindlab's state folder ${root} (${from}) cannot be used: no permission to write in ${at}`, { hint: FIX });
      }
      return;
    }
    if (dirname(at) === at) return;
    at = dirname(at);
  }
}
