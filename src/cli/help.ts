// The top-level help, written from the registry without loading commander or any command, so
// `kindlab --help` costs little more than starting node. Same layout as commander's.
import { COMMANDS } from './registry.js';
import { EXIT_CODES_HELP } from './messages.js';

export const DESCRIPTION = 'A local test lab for Kubernetes: build node images from any commit, create clusters shaped by the features under test, and run scenarios that prove them.';

const OPTIONS: Array<[string, string]> = [
  ['-V, --version', 'output the version number'],
  ['-v, --verbose', 'show debug output and stack traces'],
  ['-h, --help', 'display help for command'],
];

export function topLevelHelp(): string {
  const commands: Array<[string, string]> = [...COMMANDS.map((c): [string, string] => [`${c.name} ${c.usage}`, c.summary]), ['help [command]', 'display help for command']];
  const width = Math.max(...[...OPTIONS, ...commands].map(([t]) => t.length));
  const rows = (xs: Array<[string, string]>): string => xs.map(([t, d]) => `  ${t.padEnd(width)}  ${d}`).join('\n');
  return `Usage: kindlab [options] [command]\n\n${DESCRIPTION}\n\nOptions:\n${rows(OPTIONS)}\n\nCommands:\n${rows(commands)}\n\n${EXIT_CODES_HELP}\n`;
}
