import { describe, expect, it } from 'vitest';
import { counterProofTable, type CounterProofRun } from '../../../src/counter-proof/table.js';
import type { RunReport } from '../../../src/report/model.js';

type Verdict = NonNullable<RunReport['results'][number]['counterProof']>;
const run = (version: string, results: Array<{ id: string; counterProof: Partial<Verdict> }>): CounterProofRun => ({ version, report: { results } as unknown as RunReport });
const noGate = (v: string) => ({ verdict: 'not-possible' as const, detail: `no feature gate names its feature: nothing switches it off at ${v}` });

describe('the counter-proof table of scenarios/README.md', () => {
  it('writes a reason shared by several runs once, naming the runs', () => {
    const table = counterProofTable([
      run('v1.24.17', [{ id: 'etcd-version', counterProof: noGate('v1.24.17') }]),
      run('v1.24.17 kind', [{ id: 'etcd-version', counterProof: noGate('v1.24.17') }]),
      run('v1.37.2', [{ id: 'etcd-version', counterProof: noGate('v1.37.2') }]),
    ]);
    expect(table).toContain('| etcd-version | no | v1.24.17, v1.24.17 kind, v1.37.2: no feature gate names its feature: nothing switches it off at that release |');
  });

  it('lists where a scenario was counter-proved, kind runs beside local ones, and keeps different failures apart', () => {
    const proved = (how: string, step: string) => ({ verdict: 'counter-proved' as const, how, detail: '', run: { failedStep: step } as Verdict['run'] });
    const table = counterProofTable([
      run('v1.24.17', [{ id: 'grpc-probe', counterProof: { verdict: 'inconclusive', detail: 'passed without reaching a step that asserts the feature' } }]),
      run('v1.24.17 kind', [{ id: 'grpc-probe', counterProof: proved('GRPCContainerProbe=false on v1.24.17 (cluster kl-1-2)', 'node: the probe') }]),
      run('v1.30.14 kind', [{ id: 'grpc-probe', counterProof: proved('GRPCContainerProbe=false on v1.30.14 (cluster kl-2-2)', 'node: the probe') }]),
    ]);
    expect(table).toContain('| grpc-probe | yes | v1.24.17 kind, v1.30.14 kind: GRPCContainerProbe=false, fails in "node: the probe" |');
  });

  it('says NOT loudly where a counter-proof passed', () => {
    const table = counterProofTable([run('v1.37.2', [{ id: 'x', counterProof: { verdict: 'not-counter-proved', detail: 'passed with the feature off' } }])]);
    expect(table).toContain('| x | **NO** | v1.37.2: passed with the feature off |');
  });
});
