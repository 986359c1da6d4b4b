import { describe, expect, it } from 'vitest';
import { bothOrNeither } from '../../../src/util/both-or-neither.js';

/** A job that ends after `ms`, or rejects with the signal's reason when it is aborted first. */
function job<T>(ms: number, value: T, log: string[], name: string): (signal: AbortSignal) => Promise<T> {
  return (signal) =>
    new Promise<T>((resolve, reject) => {
      const t = setTimeout(() => {
        log.push(`${name} done`);
        resolve(value);
      }, ms);
      signal.addEventListener('abort', () => {
        clearTimeout(t);
        log.push(`${name} aborted`);
        reject(new Error(`${name} aborted`));
      });
    });
}

describe('bothOrNeither', () => {
  it('runs both at once and returns both values', async () => {
    const log: string[] = [];
    const started = Date.now();
    expect(await bothOrNeither(job(60, 'a', log, 'a'), job(60, 2, log, 'b'), undefined)).toEqual(['a', 2]);
    expect(Date.now() - started).toBeLessThan(110); // side by side, not 120 ms one after the other
    expect(log.sort()).toEqual(['a done', 'b done']);
  });

  it('a failure stops the other job, and the first error is the one thrown once both settled', async () => {
    const log: string[] = [];
    const failing = async (): Promise<never> => {
      await new Promise((r) => setTimeout(r, 10));
      log.push('a failed');
      throw new Error('kube build failed');
    };
    await expect(bothOrNeither(failing, job(5_000, 1, log, 'etcd'), undefined)).rejects.toThrow('kube build failed');
    expect(log).toEqual(['a failed', 'etcd aborted']);
  });

  it('the caller’s abort reaches both jobs', async () => {
    const log: string[] = [];
    const outer = new AbortController();
    setTimeout(() => outer.abort(new Error('interrupted')), 10);
    await expect(bothOrNeither(job(5_000, 1, log, 'a'), job(5_000, 2, log, 'b'), outer.signal)).rejects.toThrow(/aborted/);
    expect(log.sort()).toEqual(['a aborted', 'b aborted']);
  });
});
