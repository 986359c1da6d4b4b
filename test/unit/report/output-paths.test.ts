import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkOutputs } from '../../../src/report/output-paths.js';
import { UsageError } from '../../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'kl-outputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'reports'));
writeFileSync(join(dir, 'afile'), 'x');

const check = (flag: string, value: string, kind: 'file' | 'dir' = 'file') => () => checkOutputs([{ flag, value, kind }], dir);

describe('report paths are checked before a run', () => {
  it('accepts a new file in a folder that exists or will be created, and returns absolute paths', () => {
    expect(checkOutputs([{ flag: '--junit', value: 'reports/j.xml', kind: 'file' }, { flag: '--html', value: 'new/deep/r.html', kind: 'file' }], dir)).toEqual([join(dir, 'reports/j.xml'), join(dir, 'new/deep/r.html')]);
    expect(checkOutputs([{ flag: '--junit-dir', value: 'reports', kind: 'dir' }], dir)).toEqual([join(dir, 'reports')]);
    // and creates nothing while checking
    expect(() => check('--json', 'new')).not.toThrow();
  });
  it('accepts a report file that exists already (a rerun overwrites it)', () => {
    expect(checkOutputs([{ flag: '--junit', value: 'afile', kind: 'file' }], dir)).toEqual([join(dir, 'afile')]);
  });
  it('refuses a folder where a file is needed, and the reverse', () => {
    expect(check('--junit', 'reports')).toThrow(UsageError);
    expect(check('--junit', 'reports')).toThrow(/--junit reports is a folder; it needs a file name/);
    expect(check('--junit-dir', 'afile', 'dir')).toThrow(/--junit-dir afile is a file; it needs a folder/);
  });
  it('refuses a path under a file', () => {
    expect(check('--json', 'afile/r.json')).toThrow(/cannot be created: .*afile is a file, not a folder/);
  });
  it('refuses two reports in one file', () => {
    expect(() => checkOutputs([{ flag: '--json', value: 'r.out', kind: 'file' }, { flag: '--junit', value: './r.out', kind: 'file' }], dir)).toThrow(/--junit and --json name the same path/);
  });
});
