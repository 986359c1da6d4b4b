import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { checkUpgrade } from '../../../src/upgrade/skew.js';

const refused = (from: string, to: string, o = {}): UsageError => {
  try {
    checkUpgrade(from, to, o);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return e as UsageError;
  }
  throw new Error(`${from} → ${to} was accepted`);
};

describe('checkUpgrade (the version skew policy, kubeadm)', () => {
  it('accepts a patch upgrade and the next minor', () => {
    expect(checkUpgrade('v1.37.1', 'v1.37.2')).toEqual({ from: 'v1.37.1', to: 'v1.37.2', kind: 'patch', experimental: false });
    expect(checkUpgrade('v1.36.5', 'v1.37.2').kind).toBe('minor');
  });

  it('calls a pre-release or dirty build experimental (kubeadm wants --allow-experimental-upgrades)', () => {
    expect(checkUpgrade('v1.37.2', 'v1.37.2-dirty-0a1b2c3d')).toMatchObject({ kind: 'rebuild', experimental: true });
    expect(checkUpgrade('v1.37.2', 'v1.38.0-alpha.1')).toMatchObject({ kind: 'minor', experimental: true });
  });

  it('refuses skipping a minor with the policy rule', () => {
    const e = refused('v1.35.3', 'v1.37.2');
    expect(e.message).toBe('v1.35.3 → v1.37.2 skips 1 minor version(s)');
    expect(e.hint).toContain('Skipping MINOR versions when upgrading is unsupported');
    expect(e.hint).toContain('v1.36.x first');
  });

  it('refuses a downgrade, minor or patch', () => {
    expect(refused('v1.37.2', 'v1.36.5').message).toBe('v1.37.2 → v1.36.5 is a downgrade');
    expect(refused('v1.37.2', 'v1.37.1').message).toBe('v1.37.2 → v1.37.1 is a downgrade');
  });

  it('refuses the same version and another major', () => {
    expect(refused('v1.37.2', 'v1.37.2').message).toBe('the cluster already runs v1.37.2');
    expect(refused('v1.37.2', 'v2.0.0').message).toContain('major');
  });

  it('names what is not a version', () => {
    expect(refused('v1.37.2', 'main').message).toContain('"main" is not a Kubernetes version');
  });
});
