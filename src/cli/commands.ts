// Commands of the scenario engine, registered after the lifecycle commands.
import type { CommandModule } from './main.js';

export const extraCommands: Array<() => Promise<CommandModule>> = [
  () => import('./plan.js'),
  () => import('./run.js'),
  () => import('./test.js'),
  () => import('./new.js'),
];
