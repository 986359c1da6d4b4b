// Flag values shared by several commands.
import { UsageError } from '../errors.js';

export function parsePositive(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^[1-9]\d*$/.test(v)) throw new UsageError(`${flag} must be a positive whole number, got "${v}"`);
  return Number(v);
}

export const collect = (v: string, prev: string[]): string[] => [...prev, v];
