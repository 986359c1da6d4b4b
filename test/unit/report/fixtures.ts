// Reports shaped like real runs, shared by the report unit tests and the browser test: a pass
// with steps and logs, a failure whose message carries a diff (and markup that must stay text),
// a skip with its reason and stage, and a scenario errored because its cluster did not come up.
import type { MatrixReport, RunReport, ScenarioResult } from '../../../src/report/model.js';

/** Markup a scenario could echo back from an API object; the reports must show it, not run it. */
export const INJECTED = `<script>window.__pwned = true</script><img src="x" onerror="window.__pwned = true">`;

export function runReport(artifactsDir?: string, version = 'v1.33.1'): RunReport {
  const failed: ScenarioResult = {
    id: 'sidecar-containers',
    title: 'Sidecar containers restart independently',
    kep: 753,
    cluster: 'local-1',
    status: 'failed',
    stage: 'beta',
    failedStep: 'wait for sidecar restart',
    message: `sidecar did not restart ${INJECTED}\n- restartCount: 1\n+ restartCount: 0\n  name: sidecar`,
    steps: [
      { name: 'create pod', status: 'passed', durationMs: 412 },
      { name: 'kill sidecar', status: 'passed', durationMs: 1_203 },
      { name: 'wait for sidecar restart', status: 'failed', durationMs: 30_000, error: 'timed out after 30s' },
    ],
    logs: ['pod sidecar-test created', `event: Back-off restarting failed container & "sidecar" <x>`],
    durationMs: 31_700,
    namespace: 'kindlab-abc123-sidecar',
    ...(artifactsDir ? { artifactsDir } : {}),
  };
  return {
    runId: 'abc123',
    startedAt: '2026-11-23T08:00:00.000Z',
    durationMs: 95_400,
    clusters: [
      { name: 'local-1', provider: 'local', version },
      { name: 'kind-1', provider: 'kind', version, image: `kindest/node:${version}`, error: `kind could not create cluster "kind-1"\nhint: the node image kindest/node:${version} is not on this machine` },
    ],
    results: [
      {
        id: 'pod-lifecycle',
        title: 'Pods start and stop',
        cluster: 'local-1',
        status: 'passed',
        stage: 'GA',
        steps: [
          { name: 'create pod', status: 'passed', durationMs: 380 },
          { name: 'wait running', status: 'passed', durationMs: 2_150 },
        ],
        logs: ['pod web created', 'pod web Running'],
        durationMs: 2_600,
      },
      failed,
      {
        id: 'in-place-resize',
        title: 'In-place pod resize',
        kep: 1287,
        cluster: 'local-1',
        status: 'skipped',
        stage: 'alpha',
        message: 'feature gate InPlacePodVerticalScaling is off (alpha on this version)',
        steps: [],
        logs: [],
        durationMs: 0,
      },
      {
        id: 'node-swap',
        title: 'Node swap',
        kep: 2400,
        cluster: 'kind-1',
        status: 'errored',
        stage: 'beta',
        message: `cluster kind-1 (kind) did not come up: kind could not create cluster "kind-1"\nhint: the node image kindest/node:${version} is not on this machine`,
        steps: [],
        logs: [],
        durationMs: 0,
      },
    ],
  };
}

/** Two versions: on the older one the sidecar feature passes and in-place resize is too new. */
export function matrixReport(artifactsDir?: string): MatrixReport {
  const older = runReport(undefined, 'v1.32.5');
  older.runId = 'abc123-0';
  older.results = older.results.map((r): ScenarioResult => {
    if (r.id === 'sidecar-containers') return { ...r, status: 'passed', message: undefined, failedStep: undefined, steps: r.steps.map((s) => ({ ...s, status: 'passed', error: undefined })) };
    if (r.id === 'in-place-resize') return { ...r, stage: undefined, message: 'needs Kubernetes >= 1.33 (not in v1.32.5)' };
    return r;
  });
  const newer = runReport(artifactsDir, 'v1.33.1');
  newer.runId = 'abc123-1';
  return {
    runId: 'abc123',
    startedAt: '2026-11-23T08:00:00.000Z',
    durationMs: 190_000,
    columns: [
      { label: 'v1.32.5', version: 'v1.32.5', report: older },
      { label: 'lab:v1.33.1', version: 'v1.33.1', report: newer },
    ],
  };
}
