// Assertions for scenarios, with messages that show what was expected and what was seen.
// `matches` is a deep partial match: every field in `expected` must be in `actual`; arrays match
// when each expected element matches some actual element (order does not matter).
import YAML from 'yaml';
import type { Assertions } from './types.js';

export class AssertionError extends Error {
  constructor(message: string, readonly diff?: string) {
    super(diff ? `${message}\n${diff}` : message);
    this.name = 'AssertionError';
  }
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  // YAML has no text for undefined (stringify returns undefined): a missing field is said as such.
  if (v === undefined) return 'undefined (absent)';
  const text = YAML.stringify(v, { lineWidth: 0 }).trimEnd();
  return text.length > 2000 ? `${text.slice(0, 2000)}\n…` : text;
}

/** Paths where `actual` does not contain `expected`; empty when it matches. */
export function partialMismatches(actual: unknown, expected: unknown, path = '$'): string[] {
  if (expected === null || typeof expected !== 'object') {
    if (expected instanceof RegExp) return typeof actual === 'string' && expected.test(actual) ? [] : [`${path}: expected to match ${String(expected)}, got ${show(actual)}`];
    return Object.is(actual, expected) ? [] : [`${path}: expected ${show(expected)}, got ${show(actual)}`];
  }
  if (expected instanceof RegExp) return typeof actual === 'string' && expected.test(actual) ? [] : [`${path}: expected to match ${String(expected)}, got ${show(actual)}`];
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${path}: expected a list, got ${show(actual)}`];
    const out: string[] = [];
    expected.forEach((e, i) => {
      if (!actual.some((a) => partialMismatches(a, e).length === 0)) out.push(`${path}[${i}]: no element matches ${show(e)}`);
    });
    return out;
  }
  if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return [`${path}: expected an object, got ${show(actual)}`];
  return Object.entries(expected as Record<string, unknown>).flatMap(([k, v]) => {
    const a = (actual as Record<string, unknown>)[k];
    if (a === undefined && v !== undefined) return [`${path}.${k}: missing (expected ${show(v)})`];
    return partialMismatches(a, v, `${path}.${k}`);
  });
}

export const assert: Assertions = {
  ok(value: unknown, message: string): asserts value {
    if (!value) throw new AssertionError(message);
  },
  equal<T>(actual: T, expected: T, message?: string): void {
    const same = typeof expected === 'object' && expected !== null ? partialMismatches(actual, expected).length === 0 && partialMismatches(expected, actual).length === 0 : Object.is(actual, expected);
    if (!same) throw new AssertionError(message ?? 'values differ', `expected: ${show(expected)}\nactual:   ${show(actual)}`);
  },
  matches(actual: unknown, expected: unknown, message?: string): void {
    const diffs = partialMismatches(actual, expected);
    if (diffs.length) throw new AssertionError(message ?? 'object does not match', diffs.map((d) => `  ${d}`).join('\n'));
  },
  async rejects(promise: Promise<unknown>, pattern?: RegExp, message?: string): Promise<Error> {
    let value: unknown;
    try {
      value = await promise;
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      if (pattern && !pattern.test(err.message)) throw new AssertionError(message ?? `rejected, but not with ${String(pattern)}`, `error: ${err.message}`);
      return err;
    }
    throw new AssertionError(message ?? 'expected a rejection, but it succeeded', `value: ${show(value)}`);
  },
  includes(haystack: string, needle: string | RegExp, message?: string): void {
    const ok = typeof needle === 'string' ? haystack.includes(needle) : needle.test(haystack);
    if (!ok) throw new AssertionError(message ?? `text does not contain ${String(needle)}`, `text: ${haystack.length > 1500 ? haystack.slice(0, 1500) + '…' : haystack}`);
  },
};
