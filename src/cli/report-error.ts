// How an error reaches the terminal: the message, its detail, the log file, the hint, and the exit
// code it carries (a command that goes on after an error, like reload --watch, shows it the same way).
import { ExitCode, isKindlabError } from '../errors.js';
import type { CliIO } from './context.js';

export function reportError(e: unknown, io: CliIO, verbose: boolean): number {
  if (isKindlabError(e)) {
    io.stderr(`error: ${e.message}\n`);
    if (e.detail) io.stderr(`${indent(e.detail)}\n`);
    if ('logFile' in e && typeof e.logFile === 'string') io.stderr(`full log: ${e.logFile}\n`);
    if (e.hint) io.stderr(`hint: ${e.hint}\n`);
    if (verbose && e.stack) io.stderr(`${e.stack}\n`);
    return e.exitCode;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  io.stderr(`error: ${err.message}\n`);
  if (verbose && err.stack) io.stderr(`${err.stack}\n`);
  return ExitCode.failed;
}

function indent(s: string): string {
  return s
    .split('\n')
    .map((l) => `  | ${l}`)
    .join('\n');
}
