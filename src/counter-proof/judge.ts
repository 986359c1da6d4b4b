// Pure: what a counter-proof run says about its scenario, folded into the scenario's own result.
// The variant's own result never counts as a failure of the run: it is expected to fail. A
// variant that passes is a defect of the scenario (its checks do not depend on the feature), and
// that fails the run.
import type { CounterProof, ScenarioResult } from '../report/model.js';
import type { Scenario } from '../scenario/types.js';

const firstLine = (s?: string): string => (s ?? '').split('\n')[0] ?? '';

export function judgeCounterProof(variant: ScenarioResult, of: NonNullable<Scenario['counterProofOf']>, where: string): CounterProof {
  const { status, cluster, message, failedStep, steps, logs, durationMs } = variant;
  return { ...verdictOf(variant, of, where), run: { status, cluster, ...(message ? { message } : {}), ...(failedStep ? { failedStep } : {}), steps, logs, durationMs } };
}

function verdictOf(variant: ScenarioResult, of: NonNullable<Scenario['counterProofOf']>, where: string): Omit<CounterProof, 'run'> {
  const gate = of.gate;
  const how = `${of.absent ? `${gate} absent` : `${gate}=false`} on ${where}`;
  if (variant.status === 'passed') {
    // A partial pass whose feature steps never ran (they need what this cluster lacks, e.g. a
    // kubelet) shows nothing either way: its plain steps may rightly pass with the feature off.
    if (variant.partial?.length && !variant.steps.some((st) => st.assertsFeature)) {
      return { verdict: 'inconclusive', how, detail: `passed without reaching a step that asserts the feature (not covered here: ${variant.partial.join('; ')})` };
    }
    return { verdict: 'not-counter-proved', how, detail: `passed with ${of.absent ? `${gate} absent` : `${gate}=false`}: its checks do not depend on the feature` };
  }
  if (variant.status === 'failed') {
    const step = variant.steps.find((st) => st.name === variant.failedStep && st.status === 'failed');
    if (step?.assertsFeature) return { verdict: 'counter-proved', how, detail: `failed in "${step.name}": ${firstLine(variant.message)}` };
    const place = variant.failedStep ? `in step "${variant.failedStep}", which does not assert the feature` : 'outside any step';
    return { verdict: 'inconclusive', how, detail: `failed ${place} (mark the steps that do: ctx.featureStep(name, fn)): ${firstLine(variant.message)}` };
  }
  return { verdict: 'inconclusive', how, detail: `${variant.status}${variant.message ? `: ${firstLine(variant.message)}` : ''}` };
}

/**
 * The run's results with each variant's verdict on its scenario's result (variants removed), and
 * each other scenario told why it was not counter-proved.
 */
export function foldCounterProofs(results: readonly ScenarioResult[], scenarios: readonly Scenario[], notPossible: Readonly<Record<string, string>>, version: string): ScenarioResult[] {
  const variants = new Map(scenarios.filter((s) => s.counterProofOf).map((s) => [s.id, s.counterProofOf!]));
  const verdicts = new Map<string, CounterProof>();
  for (const r of results) {
    const of = variants.get(r.id);
    if (of) verdicts.set(of.id, judgeCounterProof(r, of, `${version}${r.cluster !== '-' ? ` (cluster ${r.cluster})` : ''}`));
  }
  return results
    .filter((r) => !variants.has(r.id))
    .map((r) => {
      const cp = verdicts.get(r.id) ?? (notPossible[r.id] !== undefined ? { verdict: 'not-possible' as const, detail: notPossible[r.id]! } : undefined);
      return cp ? { ...r, counterProof: cp } : r;
    });
}
