// Commands of the scenario engine and the lab, registered after the lifecycle commands.
import type { CommandModule } from './main.js';

export const extraCommands: Array<() => Promise<CommandModule>> = [];
