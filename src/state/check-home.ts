// Checked before any command works: the state folder must be a folder kindlab can write, or be
// creatable. Otherwise a run ends in a raw EEXIST/ENOTDIR after its work, and `ls` on a file
// reports "no clusters" as if that were true.
import { EnvironmentError } from '../errors.js';
import { canWrite, nearestExisting } from '../util/fs-probe.js';

const FIX = 'set KINDLAB_HOME to a folder you can write (it is created if missing), or unset it for ~/.kindlab';

export function checkStateHome(root: string, from: string): void {
  const at = nearestExisting(root);
  if (at.kind === 'file') {
    throw new EnvironmentError(`kindlab's state folder ${root} (${from}) cannot be used: ${at.path === root ? 'it is a file' : `${at.path} is a file`}, not a folder`, { hint: FIX });
  }
  if (!canWrite(at.path)) throw new EnvironmentError(`kindlab's state folder ${root} (${from}) cannot be used: no permission to write in ${at.path}`, { hint: FIX });
}
