// While a command runs, process.exit() called by code kindlab loads (a scenario file, a module it
// imports) throws instead of ending the process: otherwise `process.exit(0)` in a scenario ends a
// run with exit 0 having tested nothing, and leaves its clusters behind. kindlab ends itself by
// returning an exit code.
import { KindlabError } from '../errors.js';

export class ForeignExitError extends KindlabError {}

const original = process.exit;

/** The real process.exit, for the launcher's own last-resort exits (EPIPE). */
export const realExit: typeof process.exit = (code) => original.call(process, code);

/** Installs the guard; the returned function removes it. */
export function guardProcessExit(): () => void {
  const guarded = ((code?: number | string | null) => {
    throw new ForeignExitError(`process.exit(${code ?? ''}) was called by code kindlab loaded (a scenario file or a module it imports); kindlab does not let it end the run`, {
      hint: 'a scenario reports through ctx.assert, ctx.skip or by throwing; remove the process.exit call',
    });
  }) as typeof process.exit;
  process.exit = guarded;
  return () => {
    if (process.exit === guarded) process.exit = original;
  };
}
