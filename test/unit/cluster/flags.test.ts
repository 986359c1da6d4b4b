import { describe, expect, it } from 'vitest';
import { parseDuration, parseFeatureGates, parseRuntimeConfig, parseWorkers, validateClusterName } from '../../../src/cluster/flags.js';
import { UsageError } from '../../../src/errors.js';

describe('parseFeatureGates', () => {
  it('parses a comma list into booleans', () => {
    expect(parseFeatureGates('CronJobTimeZone=true, UserNamespacesSupport=false')).toEqual({ CronJobTimeZone: true, UserNamespacesSupport: false });
  });
  it('accepts mixed-case values and empty input', () => {
    expect(parseFeatureGates('A=TRUE')).toEqual({ A: true });
    expect(parseFeatureGates('')).toEqual({});
    expect(parseFeatureGates(undefined)).toEqual({});
  });
  it.each([
    ['Foo', /not NAME=true\|false/],
    ['Foo=yes', /must be true or false/],
    ['foo=true', /not a feature gate name/],
    ['A=true,A=false', /twice/],
  ])('rejects %s with a usage error', (input, msg) => {
    expect(() => parseFeatureGates(input)).toThrow(msg);
    expect(() => parseFeatureGates(input)).toThrow(UsageError);
  });
});

describe('parseRuntimeConfig', () => {
  it('parses group/version entries, defaulting to true', () => {
    expect(parseRuntimeConfig('admissionregistration.k8s.io/v1beta1=true,api/alpha=false,batch/v2alpha1')).toEqual({
      'admissionregistration.k8s.io/v1beta1': 'true',
      'api/alpha': 'false',
      'batch/v2alpha1': 'true',
    });
  });
  it('rejects malformed keys and values', () => {
    expect(() => parseRuntimeConfig('notagroup=true')).toThrow(/not GROUP\/VERSION/);
    expect(() => parseRuntimeConfig('batch/v1=maybe')).toThrow(/true or false/);
  });
});

describe('parseWorkers / parseDuration / validateClusterName', () => {
  it('parses workers', () => {
    expect(parseWorkers('2')).toBe(2);
    expect(parseWorkers(undefined)).toBe(0);
    expect(() => parseWorkers('two')).toThrow(/whole number/);
    expect(() => parseWorkers('99')).toThrow(/more than/);
  });
  it('parses durations', () => {
    expect(parseDuration('90s', '--wait')).toBe(90);
    expect(parseDuration('2m', '--wait')).toBe(120);
    expect(parseDuration('15', '--wait')).toBe(15);
    expect(() => parseDuration('soon', '--wait')).toThrow(/not a duration/);
  });
  it('validates cluster names', () => {
    expect(validateClusterName('dev-1.2')).toBe('dev-1.2');
    for (const bad of ['Dev', '-x', 'x-', 'a_b', '', 'a'.repeat(51), 'a;rm -rf']) expect(() => validateClusterName(bad)).toThrow(UsageError);
  });
});
