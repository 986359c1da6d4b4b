// JUnit XML in the shape common CI reporters read: one <testsuite> per cluster, a <testcase> per
// scenario, <skipped message>, <failure message type> carrying the failing step (the feature did
// not behave), <error message type> for errored (e.g. the cluster did not come up) and interrupted
// scenarios (not a verdict on the feature), <system-out> with the scenario's steps and log lines.
//
// The document is built as an object tree and serialised by fast-xml-parser's builder, so escaping
// is the builder's job; what is left here is removing the characters XML 1.0 cannot carry at all
// (control characters, lone surrogates, U+FFFE/U+FFFF), which no escaping can make legal.
// A matrix gets one file per version: toJUnit of each column's RunReport.
import { XMLBuilder } from 'fast-xml-parser';
import { counts, type RunReport, type ScenarioResult } from './model.js';

// Everything outside XML 1.0's Char production; with the u flag a lone surrogate is one code point
// outside every range, so it is dropped too instead of producing a file parsers reject.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function xmlSafe(s: string): string {
  return s.replace(NOT_XML_CHAR, '');
}

const secs = (ms: number): string => (ms / 1000).toFixed(3);

/** Attribute keys carry this prefix in the tree handed to the builder. */
const A = '@_';

type XmlNode = { [key: string]: string | number | XmlNode | XmlNode[] };

function systemOut(r: ScenarioResult): string {
  return [...r.steps.map((s) => `[${s.status}] ${s.name} (${secs(s.durationMs)}s)${s.error ? `: ${s.error}` : ''}`), ...r.logs].join('\n');
}

function testcase(r: ScenarioResult): XmlNode {
  const node: XmlNode = { [`${A}name`]: xmlSafe(r.phase ? `${r.id} [${r.phase}]` : r.id), [`${A}classname`]: xmlSafe(`kindlab.${r.cluster}`), [`${A}time`]: secs(r.durationMs) };
  if (r.status === 'skipped') {
    node.skipped = { [`${A}message`]: xmlSafe(r.message ?? '') };
  } else if (r.status === 'failed' || r.status === 'errored' || r.status === 'interrupted') {
    const where = r.failedStep ? `step "${r.failedStep}": ` : '';
    const element = r.status === 'failed' ? 'failure' : 'error';
    const type = r.status === 'interrupted' ? 'Interrupted' : r.status === 'errored' ? 'Error' : r.timedOut ? 'Timeout' : 'ScenarioFailure';
    const message = r.message ?? '';
    node[element] = {
      [`${A}message`]: xmlSafe(where + (message.split('\n')[0] ?? '')),
      [`${A}type`]: type,
      ...(where + message ? { '#text': xmlSafe(where + message) } : {}),
    };
  }
  // A partial pass stays a pass in JUnit, marked where CI dashboards show properties.
  // So is a counter-proof verdict (a scenario not counter-proved fails the run, not the testcase).
  const props = [
    ...(r.phase ? [{ [`${A}name`]: 'kindlab.phase', [`${A}value`]: r.phase }] : []),
    ...(r.partial ?? []).map((p) => ({ [`${A}name`]: 'kindlab.partial', [`${A}value`]: xmlSafe(p) })),
    ...(r.counterProof
      ? [
          { [`${A}name`]: 'kindlab.counterProof', [`${A}value`]: r.counterProof.verdict },
          { [`${A}name`]: 'kindlab.counterProof.detail', [`${A}value`]: xmlSafe(`${r.counterProof.how ? `${r.counterProof.how}: ` : ''}${r.counterProof.detail}`) },
        ]
      : []),
  ];
  if (props.length) node.properties = { property: props };
  const out = xmlSafe(systemOut(r));
  if (out) node['system-out'] = out;
  return node;
}

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: A,
  format: true,
  indentBy: '  ',
  // Its default writes an attribute whose value is "true" as a bare name, which is not XML:
  // a skip reason or a scenario id could be exactly that.
  suppressBooleanAttributes: false,
  suppressEmptyNode: true,
  processEntities: true,
});

export function toJUnit(report: RunReport): string {
  const byCluster = new Map<string, ScenarioResult[]>();
  for (const r of report.results) byCluster.set(r.cluster, [...(byCluster.get(r.cluster) ?? []), r]);
  const total = counts(report);
  const suites: XmlNode[] = [...byCluster].map(([cluster, results]) => {
    const c = counts({ ...report, results });
    const time = results.reduce((a, r) => a + r.durationMs, 0);
    return {
      [`${A}name`]: xmlSafe(`kindlab ${cluster}`),
      [`${A}tests`]: results.length,
      [`${A}failures`]: c.failed,
      [`${A}errors`]: c.errored + c.interrupted,
      [`${A}skipped`]: c.skipped,
      [`${A}time`]: secs(time),
      [`${A}timestamp`]: xmlSafe(report.startedAt.replace(/\.\d+Z$/, '')),
      testcase: results.map(testcase),
    };
  });
  const doc: XmlNode = {
    '?xml': { [`${A}version`]: '1.0', [`${A}encoding`]: 'UTF-8' },
    testsuites: {
      [`${A}name`]: xmlSafe(`kindlab run ${report.runId}`),
      [`${A}tests`]: report.results.length,
      [`${A}failures`]: total.failed,
      [`${A}errors`]: total.errored + total.interrupted,
      [`${A}skipped`]: total.skipped,
      [`${A}time`]: secs(report.durationMs),
      ...(suites.length ? { testsuite: suites } : {}),
    },
  };
  return builder.build(doc);
}
