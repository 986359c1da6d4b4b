// The one context a run's steps share (src/run/steps.ts): what was asked, and what each step
// found or made so far. A step reads what earlier steps left and adds its own part.
import type { AppEnv } from '../app/env.js';
import type { ExecuteOptions } from '../app/scenario-runs.js';
import { KindlabError } from '../errors.js';
import type { Plan, PlanSkip } from '../plan/planner.js';
import type { ClusterSummary, RunReport, ScenarioResult } from '../report/model.js';
import type { Scenario } from '../scenario/types.js';
import type { ClusterRecord } from '../state/records.js';
import type { ResolvedTarget, TargetFlags } from '../target/resolve.js';

export interface RunRequest {
  /** What to run against (--provider, --ref, --image, --k8s-version, --bin-dir). */
  flags: TargetFlags;
  /** The selection: kindlab's scenarios and upstream (e2e:) plan items. */
  scenarios: Scenario[];
  opts: ExecuteOptions;
  /** Cluster names are <prefix>-1, <prefix>-2, ... */
  namePrefix: string;
  failFast?: boolean;
  /**
   * Upstream selections whose version has no e2e.test: 'stop' the run before anything is created
   * (test: the user asked for them), or 'skip' just those items naming the build (matrix: the
   * other cells of the version still run).
   */
  missingTestBinary?: 'stop' | 'skip';
  /** Also run each scenario whose feature can be switched off here with it off, expected to fail (src/run/counter-proof.ts). */
  counterProof?: boolean;
  /** Upgrade every cluster between two runs of its scenarios (kindlab test --upgrade-to). */
  upgrade?: { to: string; kubeRoot?: string; baseImage?: string; kubeletsStay?: boolean; images?: string[] };
  /** Called once the plan is known, before anything is built or created (the command's header). */
  onPlan?: (ctx: RunContext) => void;
}

export interface RunContext {
  readonly app: AppEnv;
  readonly request: RunRequest;
  /** performance.now() when the run began. */
  readonly started: number;
  /** The selection, refined by the upstream-specs step. */
  scenarios: Scenario[];
  /** Items skipped before planning (an upstream selection without a test binary, under 'skip'). */
  preSkips: PlanSkip[];
  resolved?: ResolvedTarget;
  plan?: Plan;
  /** Clusters this run created that still exist: what cleanup deletes. */
  created: ClusterRecord[];
  clusters: ClusterSummary[];
  results: ScenarioResult[];
  /** --fail-fast: why the run stopped starting clusters. */
  stoppedAfter?: string;
  /** Seconds each step took, by step name. */
  seconds: Record<string, number>;
  /** --counter-proof: why scenarios without a variant are not counter-proved, and at which version. */
  counterProof?: { notPossible: Record<string, string>; version: string };
  /** --upgrade-to: the version the ref resolves to, checked against the target before anything is built. */
  upgradeTo?: { version: string; describe: string; kubeRoot: string };
  /** The step that threw, when one did. */
  failedStep?: string;
  report?: RunReport;
}

export function newRunContext(app: AppEnv, request: RunRequest, started = performance.now()): RunContext {
  return { app, request, started, scenarios: request.scenarios, preSkips: [], created: [], clusters: [], results: [], seconds: {} };
}

/** What an earlier step must have left: a missing one is a bug in the step list, said as such. */
export function needs<T>(value: T | undefined, what: string, step: string): T {
  if (value === undefined) throw new KindlabError(`internal: the ${step} step runs before ${what} is known (src/run/steps.ts orders them)`);
  return value;
}
