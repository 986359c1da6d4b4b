// Entry point of the kindlab CLI: wires commander to one file per command. Command modules
// are imported lazily so `kindlab --help` stays fast.
import { Command, CommanderError, Option } from 'commander';
import { ExitCode, isKindlabError } from '../errors.js';
import { onInterrupt } from '../util/abort.js';
import { createContext, realIO, type CliContext, type CliIO } from './context.js';
import { EXIT_CODES_HELP } from './messages.js';

export interface RunCliOptions {
  io?: CliIO;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

// `never[]` lets each command declare its own argument types (commander passes args, flags, command).
type Handler = (ctx: CliContext, ...args: never[]) => Promise<number | void>;
type AnyArgsHandler = (ctx: CliContext, ...args: unknown[]) => Promise<number | void>;
type CommandModule = { register(program: Command, run: (load: () => Promise<Handler>) => (...a: unknown[]) => Promise<void>): void };

const COMMANDS: Array<() => Promise<CommandModule>> = [
  () => import('./build.js'),
  () => import('./up.js'),
  () => import('./down.js'),
  () => import('./ls.js'),
  () => import('./doctor.js'),
  () => import('./rmi.js'),
];

/** Extra command registrations (plan, run, test, new) live in their own files; see commands.ts. */
export async function runCli(argv: string[], opts: RunCliOptions = {}): Promise<number> {
  const io = opts.io ?? realIO();
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  let exitCode: number = ExitCode.ok;

  const program = new Command('kindlab')
    .description('A local test lab for Kubernetes: build node images from any commit, create clusters shaped by the features under test, and run scenarios that prove them.')
    .version(await readVersion(), '-V, --version')
    .addOption(new Option('-v, --verbose', 'show debug output and stack traces'))
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .addHelpText('after', `\n${EXIT_CODES_HELP}`)
    .exitOverride();

  const interrupt = onInterrupt();
  const run =
    (load: () => Promise<Handler>) =>
    async (...args: unknown[]): Promise<void> => {
      const verbose = Boolean(program.opts<{ verbose?: boolean }>().verbose);
      const ctx = createContext({ io, env, cwd, signal: interrupt.signal, verbose });
      const handler = (await load()) as AnyArgsHandler;
      const code = await handler(ctx, ...args);
      exitCode = code ?? ExitCode.ok;
    };

  const { extraCommands } = await import('./commands.js');
  for (const load of [...COMMANDS, ...extraCommands]) (await load()).register(program, run);

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    exitCode = reportError(e, io, Boolean(program.opts<{ verbose?: boolean }>().verbose));
  } finally {
    interrupt.dispose();
  }
  return exitCode;
}

function reportError(e: unknown, io: CliIO, verbose: boolean): number {
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return ExitCode.ok;
    return ExitCode.usage; // commander already printed the message
  }
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

async function readVersion(): Promise<string> {
  const { readFileSync } = await import('node:fs');
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export type { Handler, CommandModule };
