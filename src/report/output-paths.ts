// Checked before a run starts: the report files a user asked for can be written where they said.
// A run of hours must not end in a raw ENOENT with its summary lost.
import { dirname, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { canWrite, nearestExisting, pathKind } from '../util/fs-probe.js';

export interface OutputRequest {
  /** The flag, for messages: --junit, --json, --html, --junit-dir. */
  flag: string;
  /** As the user wrote it. */
  value: string;
  kind: 'file' | 'dir';
}

/** Resolves each output against `cwd`, or throws a UsageError saying which flag is wrong and why. */
export function checkOutputs(outputs: readonly OutputRequest[], cwd: string): string[] {
  const seen = new Map<string, string>();
  return outputs.map((o) => {
    const path = resolve(cwd, o.value);
    const other = seen.get(path);
    if (other) throw new UsageError(`${o.flag} and ${other} name the same path ${path}`, { hint: 'give each report its own file' });
    seen.set(path, o.flag);
    const here = pathKind(path);
    if (o.kind === 'file' && here === 'dir') throw new UsageError(`${o.flag} ${o.value} is a folder; it needs a file name`, { hint: `e.g. ${o.flag} ${o.value.replace(/\/$/, '')}/report${o.flag === '--junit' ? '.xml' : o.flag === '--html' ? '.html' : '.json'}` });
    if (o.kind === 'dir' && here === 'file') throw new UsageError(`${o.flag} ${o.value} is a file; it needs a folder`, { hint: 'name a folder (it is created if missing)' });
    // A folder output is checked where it is; a file (new, or one to overwrite) in its folder.
    const at = nearestExisting(here === 'dir' ? path : dirname(path));
    if (at.kind === 'file') throw new UsageError(`${o.flag} ${o.value} cannot be created: ${at.path} is a file, not a folder`, { hint: 'choose a path under a folder' });
    if (!canWrite(at.path) || (here === 'file' && !canWrite(path))) throw new UsageError(`${o.flag} ${o.value} cannot be written: no permission to write in ${at.path}`, { hint: 'choose a folder you can write to' });
    return path;
  });
}
