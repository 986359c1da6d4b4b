import { describe, expect, it } from 'vitest';
import { ForeignExitError, guardProcessExit } from '../../../src/util/exit-guard.js';

describe('process.exit while a command runs', () => {
  it('throws a typed error instead of ending the process, until the guard is removed', () => {
    const before = process.exit;
    const unguard = guardProcessExit();
    try {
      expect(() => process.exit(0)).toThrow(ForeignExitError);
      expect(() => process.exit(0)).toThrow(/process.exit\(0\) was called by code kindlab loaded/);
    } finally {
      unguard();
    }
    expect(process.exit).toBe(before);
  });
});
