import { describe, expect, it } from 'vitest';
import { assert, partialMismatches } from '../../../src/scenario/assert.js';
import { redact } from '../../../src/scenario/redact.js';
import { namespaceFor } from '../../../src/scenario/runner.js';

describe('assertions', () => {
  it('matches partially, arrays in any order', () => {
    const pod = { spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] }, metadata: { name: 'p', labels: { k: 'v' } } };
    expect(partialMismatches(pod, { spec: { containers: [{ name: 'b' }, { name: 'a' }] } })).toEqual([]);
    expect(partialMismatches(pod, { metadata: { labels: { k: 'w', z: '1' } } })).toEqual([
      '$.metadata.labels.k: expected "w", got "v"',
      '$.metadata.labels.z: missing (expected "1")',
    ]);
    expect(() => assert.matches(pod, { spec: { containers: [{ name: 'c' }] } }, 'sidecar injected')).toThrow(/sidecar injected\n {2}\$.spec.containers\[0\]: no element matches/);
  });
  it('equal shows both sides; rejects checks the message', async () => {
    expect(() => assert.equal(1, 2, 'count')).toThrow(/count\nexpected: 2\nactual: {3}1/);
    // a field the API server dropped is an assertion failure naming it, not a TypeError of the formatter
    expect(() => assert.equal(undefined, 2, 'maxUnavailable kept')).toThrow(/maxUnavailable kept\nexpected: 2\nactual: {3}undefined \(absent\)/);
    await expect(assert.rejects(Promise.reject(new Error('422 Invalid: unknown time zone Foo/Bar')), /unknown time zone/)).resolves.toBeInstanceOf(Error);
    await expect(assert.rejects(Promise.resolve(1))).rejects.toThrow(/expected a rejection/);
    await expect(assert.rejects(Promise.reject(new Error('other')), /time zone/)).rejects.toThrow(/rejected, but not with/);
  });
});

describe('runner helpers', () => {
  it('redacts JWTs', () => {
    expect(redact('token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.c2lnbmF0dXJlLXBhcnQ end')).toBe('token [REDACTED-TOKEN] end');
  });
  it('makes valid namespace names', () => {
    const ns = namespaceFor('a-very-long-scenario-id-that-goes-on-and-on-and-on-forever-more', 'abc123');
    expect(ns.length).toBeLessThanOrEqual(63);
    expect(ns).toMatch(/^kl-a-very-long.*-abc123$/);
  });
});
