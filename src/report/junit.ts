// JUnit XML in the shape common CI reporters read: one <testsuite> per cluster, a <testcase> per
// scenario, <skipped message>, <failure message type> carrying the failing step (the feature did
// not behave), <error message type> for errored (e.g. the cluster did not come up) and interrupted
// scenarios (not a verdict on the feature), <system-out> with the scenario's steps and log lines.
import { counts, type RunReport, type ScenarioResult } from './model.js';

function esc(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

const secs = (ms: number): string => (ms / 1000).toFixed(3);

function testcase(r: ScenarioResult): string {
  const attrs = `name="${esc(r.id)}" classname="kindlab.${esc(r.cluster)}" time="${secs(r.durationMs)}"`;
  const out = [...r.steps.map((s) => `[${s.status}] ${s.name} (${secs(s.durationMs)}s)${s.error ? `: ${s.error}` : ''}`), ...r.logs].join('\n');
  const sysout = out ? `\n      <system-out>${esc(out)}</system-out>` : '';
  if (r.status === 'skipped') return `    <testcase ${attrs}>\n      <skipped message="${esc(r.message ?? '')}"/>${sysout}\n    </testcase>`;
  if (r.status === 'failed' || r.status === 'errored' || r.status === 'interrupted') {
    const where = r.failedStep ? `step "${r.failedStep}": ` : '';
    const element = r.status === 'failed' ? 'failure' : 'error';
    const type = r.status === 'interrupted' ? 'Interrupted' : r.status === 'errored' ? 'Error' : r.timedOut ? 'Timeout' : 'ScenarioFailure';
    return `    <testcase ${attrs}>\n      <${element} message="${esc(where + (r.message ?? '').split('\n')[0])}" type="${type}">${esc(where + (r.message ?? ''))}</${element}>${sysout}\n    </testcase>`;
  }
  return `    <testcase ${attrs}>${sysout}\n    </testcase>`;
}

export function toJUnit(report: RunReport): string {
  const byCluster = new Map<string, ScenarioResult[]>();
  for (const r of report.results) byCluster.set(r.cluster, [...(byCluster.get(r.cluster) ?? []), r]);
  const total = counts(report);
  const suites = [...byCluster].map(([cluster, results]) => {
    const c = counts({ ...report, results });
    const time = results.reduce((a, r) => a + r.durationMs, 0);
    return `  <testsuite name="kindlab ${esc(cluster)}" tests="${results.length}" failures="${c.failed}" errors="${c.errored + c.interrupted}" skipped="${c.skipped}" time="${secs(time)}" timestamp="${esc(report.startedAt.replace(/\.\d+Z$/, ''))}">\n${results.map(testcase).join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="kindlab run ${esc(report.runId)}" tests="${report.results.length}" failures="${total.failed}" errors="${total.errored + total.interrupted}" skipped="${total.skipped}" time="${secs(report.durationMs)}">\n${suites.join('\n')}\n</testsuites>\n`;
}
