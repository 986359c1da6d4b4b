import { describe, expect, it } from 'vitest';
import { gatesNamed, LabelFilterError, matchesLabels, parseLabelFilter } from '../../../src/e2e/label-filter.js';
import { parseE2eSelector } from '../../../src/e2e/selector.js';
import { UsageError } from '../../../src/errors.js';

// Labels as upstream's framework attaches them (WithFeatureGate, ConformanceIt, WithSerial, ...).
const tlsSpec = ['sig-node', 'FeatureGate:GRPCContainerProbeTLS', 'Alpha', 'Feature:OffByDefault'];
const conformance = ['sig-node', 'Conformance', 'NodeConformance'];
const serialBeta = ['sig-apps', 'FeatureGate:MaxUnavailableStatefulSet', 'Beta', 'Serial'];
const m = (filter: string, labels: string[]) => matchesLabels(parseLabelFilter(filter), labels);

describe('Ginkgo label filters', () => {
  it('matches plain labels case-insensitively, Key:value labels as one label', () => {
    expect(m('FeatureGate:GRPCContainerProbeTLS', tlsSpec)).toBe(true);
    expect(m('featuregate:grpccontainerprobetls', tlsSpec)).toBe(true);
    expect(m('FeatureGate:GRPCContainerProbe', tlsSpec)).toBe(false);
    expect(m('Conformance', tlsSpec)).toBe(false);
  });

  it('combines with !, &&, || and , (or), with && binding tighter than ||', () => {
    expect(m('Conformance || Alpha', tlsSpec)).toBe(true);
    expect(m('Conformance, Alpha', conformance)).toBe(true);
    expect(m('sig-node && !Alpha', tlsSpec)).toBe(false);
    expect(m('sig-node && !Alpha', conformance)).toBe(true);
    expect(m('Serial || sig-node && Alpha', serialBeta)).toBe(true); // Serial || (sig-node && Alpha)
    expect(m('(Serial || sig-node) && Alpha', serialBeta)).toBe(false);
    expect(m('/^FeatureGate:GRPC/', tlsSpec)).toBe(true);
  });

  it('set operations over Key:* labels, as the kind jobs use them', () => {
    expect(m('Feature: isEmpty', conformance)).toBe(true);
    expect(m('Feature: isEmpty', tlsSpec)).toBe(false);
    expect(m('Feature: isSubsetOf OffByDefault && !Slow', tlsSpec)).toBe(true);
    expect(m('FeatureGate: containsAny {GRPCContainerProbeTLS, Other}', tlsSpec)).toBe(true);
    expect(m('FeatureGate: consistsOf {MaxUnavailableStatefulSet}', serialBeta)).toBe(true);
  });

  it('names the gates a filter asks for, not the ones it excludes', () => {
    expect(gatesNamed(parseLabelFilter('FeatureGate:GRPCContainerProbeTLS && !Serial'))).toEqual(['GRPCContainerProbeTLS']);
    expect(gatesNamed(parseLabelFilter('!FeatureGate:A && FeatureGate: containsAny {B,C}'))).toEqual(['B', 'C']);
    expect(gatesNamed(parseLabelFilter('Conformance'))).toEqual([]);
  });

  it.each([
    ['Alpha & Beta', 6, /did you mean '&&'/],
    ['(Alpha || Beta', 0, /no matching '\)'/],
    ['Alpha)', 5, /no matching '\('/],
    ['&& Alpha', 0, /no left-hand operand/],
    ['Alpha Beta', 0, /no operator between/],
    ['Feature: nearly {x}', 9, /unknown set operation 'nearly'/],
    ['Feature: containsAny', 9, /needs an argument/],
    ['Feature isEmpty', 8, /set operation without a key/],
    ['/[a-/', 0, /invalid regular expression/],
    ['()', 1, /empty '\(\)' group/],
  ])('refuses %j at column %i', (filter, at, reason) => {
    let err: unknown;
    try {
      parseLabelFilter(filter);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LabelFilterError);
    expect((err as LabelFilterError).position).toBe(at);
    expect((err as LabelFilterError).message).toMatch(reason);
  });
});

describe('e2e: selectors', () => {
  it('reads a label filter and the gates it names', () => {
    expect(parseE2eSelector('e2e:label=FeatureGate:GRPCContainerProbeTLS')).toMatchObject({ labelFilter: 'FeatureGate:GRPCContainerProbeTLS', gates: ['GRPCContainerProbeTLS'] });
  });
  it('takes anything else as a focus regex (brackets and * included), and checks it is one', () => {
    expect(parseE2eSelector('e2e:GRPC liveness probe.*\\[Conformance\\]')).toMatchObject({ focus: 'GRPC liveness probe.*\\[Conformance\\]', gates: [] });
    expect(() => parseE2eSelector('e2e:should [Conformance')).toThrow(UsageError);
    expect(() => parseE2eSelector('e2e:(?!Slow)')).toThrow(/RE2/);
    expect(() => parseE2eSelector('e2e:')).toThrow(/the focus is empty/);
    expect(() => parseE2eSelector('e2e:label=')).toThrow(/empty label filter/);
    expect(() => parseE2eSelector('e2e:label=Alpha & Beta')).toThrow(/column 7: '&' is not an operator/);
  });
});
