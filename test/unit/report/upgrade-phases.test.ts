// An upgrade run's report: each scenario's phases side by side in the summary, the phase in each
// JUnit testcase and in the HTML, the upgrade's steps or its failure on the cluster.
import { describe, expect, it } from 'vitest';
import type { RunReport, ScenarioResult } from '../../../src/report/model.js';
import { summary } from '../../../src/report/summary.js';
import { toJUnit } from '../../../src/report/junit.js';
import { renderRunHtml } from '../../../src/report/html.js';

const result = (id: string, phase: ScenarioResult['phase'], status: ScenarioResult['status'], extra: Partial<ScenarioResult> = {}): ScenarioResult => ({
  id, title: id, cluster: 'kl-up-1', status, phase, steps: [], logs: [], durationMs: 2_000, ...extra,
});

function upgradeRun(error?: string): RunReport {
  return {
    runId: 'up1',
    startedAt: '2026-12-06T23:00:00.000Z',
    durationMs: 300_000,
    clusters: [{ name: 'kl-up-1', provider: 'kind', version: 'v1.37.1', image: 'kindlab/node:v1.37.1', upgrade: { from: 'v1.37.1', to: 'v1.37.2', seconds: 140.5, steps: error ? [] : [{ step: 'kubeadm upgrade apply', where: 'kl-up-1-control-plane', seconds: 90, version: 'v1.37.2' }], ...(error ? { error } : {}) } }],
    results: [
      result('create-token', 'before-upgrade', 'passed'),
      result('create-token', 'after-upgrade', error ? 'errored' : 'passed', error ? { message: `not run: the upgrade failed: ${error}` } : {}),
      result('create-token', 'across-upgrade', error ? 'errored' : 'failed', error ? { message: 'not run' } : { failedStep: 'the token made before the upgrade authenticates', message: 'TokenReview after the upgrade: invalid bearer token' }),
    ],
  };
}

describe('upgrade run reports', () => {
  it('the summary puts before, after and across side by side, with the upgrade', () => {
    const text = summary(upgradeRun());
    expect(text).toMatch(/SCENARIO\s+CLUSTER\s+BEFORE UPGRADE\s+AFTER UPGRADE\s+ACROSS UPGRADE\s+DETAIL/);
    expect(text).toMatch(/create-token\s+kl-up-1\s+PASSED 2\.0s\s+PASSED 2\.0s\s+FAILED 2\.0s\s+across-upgrade: \[the token made before the upgrade authenticates\] TokenReview after the upgrade/);
    expect(text).toContain('cluster kl-up-1: v1.37.1 → v1.37.2: upgraded in 140.5s (1 steps)');
    expect(text).toContain('2 passed, 1 failed');
  });

  it('a failed upgrade is said on the cluster line', () => {
    expect(summary(upgradeRun('kubeadm upgrade apply v1.37.2 failed'))).toContain('upgrade FAILED after 140.5s: kubeadm upgrade apply v1.37.2 failed');
  });

  it('JUnit names the phase in each testcase and as a property', () => {
    const xml = toJUnit(upgradeRun());
    expect(xml).toContain('name="create-token [before-upgrade]"');
    expect(xml).toContain('name="create-token [across-upgrade]"');
    expect(xml).toContain('<property name="kindlab.phase" value="after-upgrade"/>');
  });

  it('HTML shows the phase of each result and the upgrade of the cluster', () => {
    const html = renderRunHtml(upgradeRun());
    expect(html).toContain('<b>across-upgrade</b>');
    expect(html).toContain('v1.37.1 → v1.37.2');
    expect(html).toContain('kubeadm upgrade apply on kl-up-1-control-plane (90.0 s)');
    expect(renderRunHtml(upgradeRun('apply failed'))).toContain('UPGRADE FAILED');
  });
});
