// Public API for scenario authors: `import { defineScenario } from 'kindlab'`.
export { defineScenario } from './scenario/types.js';
export { scenarioDataDir } from './state/home.js';
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
