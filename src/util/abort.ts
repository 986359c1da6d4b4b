// One AbortSignal per command, fired by SIGINT/SIGTERM, threaded through every step and
// child process so Ctrl-C stops work and lets cleanup run instead of killing the process.
import { InterruptedError } from '../errors.js';
import { realExit } from './exit-guard.js';

export interface Interrupt {
  signal: AbortSignal;
  /** Stop listening for signals (call when the command is done). */
  dispose(): void;
}

export function onInterrupt(): Interrupt {
  const controller = new AbortController();
  let count = 0;
  const handler = (sig: NodeJS.Signals): void => {
    count += 1;
    if (count === 1) {
      process.stderr.write(`\nkindlab: ${sig} received, cleaning up (press Ctrl-C again to force)\n`);
      controller.abort(new InterruptedError(`interrupted by ${sig}; cleaned up what this command created`));
    } else {
      process.stderr.write('kindlab: forced exit, cleanup skipped\n');
      realExit(130);
    }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw signal.reason instanceof Error ? signal.reason : new InterruptedError('interrupted');
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
