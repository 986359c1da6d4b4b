// Public API for scenario authors: `import { defineScenario } from 'kindlab'`.
export { defineScenario } from './scenario/types.js';
export { scenarioDataDir } from './state/home.js';
// One gate table and one metric parser for kindlab and its scenarios (scenarios/_support/cluster.ts asks them).
export { gateDefaultAt, gateNameAt } from './plan/gates.js';
export { parseFeatureMetric } from './scenario/feature-metric.js';
export { apiRequest, apiRequestOptions, type ApiRequest, type HttpResult } from './scenario/api-request.js';
export type {
  Scenario,
  ScenarioMeta,
  ScenarioRequirements,
  VersionedRequirements,
  RequirementEntry,
  HostRequirements,
  FeatureStage,
  ScenarioStage,
  SkipKind,
  ScenarioContext,
  ClusterInfo,
  ObjectRef,
  WaitOptions,
  Assertions,
  Component,
} from './scenario/types.js';
