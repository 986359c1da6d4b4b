// Entry point of the kindlab CLI. `kindlab`, `--help` and `--version` are answered from the
// command registry without loading commander; otherwise commander is given the one command that
// runs (all of them only when the name is unknown, for its suggestion), and that command's module
// is the only one imported.
import { packageInfo } from '../util/package-info.js';
import { ExitCode } from '../errors.js';
import { onInterrupt } from '../util/abort.js';
import { createContext, realIO, type CliIO } from './context.js';
import { reportError } from './report-error.js';
import { COMMANDS, findCommand, type Handler, type RunWrapper } from './registry.js';

export interface RunCliOptions {
  io?: CliIO;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

type AnyArgsHandler = (ctx: import('./context.js').CliContext, ...args: unknown[]) => Promise<number | void>;

const GLOBAL_FLAGS = new Set(['-v', '--verbose']);

export async function runCli(argv: string[], opts: RunCliOptions = {}): Promise<number> {
  const io = opts.io ?? realIO();
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const first = argv.find((a) => !GLOBAL_FLAGS.has(a));
  if (first === undefined || first === '--help' || first === '-h' || (first === 'help' && argv.length === 1)) {
    const { topLevelHelp } = await import('./help.js');
    io.stdout(topLevelHelp());
    return ExitCode.ok;
  }
  if (first === '--version' || first === '-V') {
    io.stdout(`${readVersion()}\n`);
    return ExitCode.ok;
  }

  const { Command, CommanderError, Option } = await import('commander');
  const { DESCRIPTION } = await import('./help.js');
  const { EXIT_CODES_HELP } = await import('./messages.js');
  let exitCode: number = ExitCode.ok;
  const program = new Command('kindlab')
    .description(DESCRIPTION)
    .version(readVersion(), '-V, --version')
    .addOption(new Option('-v, --verbose', 'show debug output and stack traces'))
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .addHelpText('after', `\n${EXIT_CODES_HELP}`)
    .exitOverride();

  const interrupt = onInterrupt();
  const run: RunWrapper =
    (load: () => Promise<Handler>) =>
    async (...args: unknown[]): Promise<void> => {
      const verbose = Boolean(program.opts<{ verbose?: boolean }>().verbose);
      const ctx = createContext({ io, env, cwd, signal: interrupt.signal, verbose });
      const { checkStateHome } = await import('../state/check-home.js');
      checkStateHome(ctx.store.paths.root, env.KINDLAB_HOME?.trim() ? '$KINDLAB_HOME' : 'the default, ~/.kindlab');
      const handler = (await load()) as AnyArgsHandler;
      const code = await handler(ctx, ...args);
      exitCode = code ?? ExitCode.ok;
    };

  // `help <command>` names its command second.
  const wanted = findCommand(first === 'help' ? argv[argv.indexOf('help') + 1] : first);
  for (const entry of wanted ? [wanted] : COMMANDS) {
    const cmd = program.command(entry.name).description(entry.summary);
    // Only the command that runs needs its flags; an unknown name just needs the names.
    if (entry === wanted) (await entry.load()).register(cmd, run);
  }

  const { guardProcessExit } = await import('../util/exit-guard.js');
  const unguard = guardProcessExit();
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    exitCode = e instanceof CommanderError ? commanderExit(e) : reportError(e, io, Boolean(program.opts<{ verbose?: boolean }>().verbose));
  } finally {
    unguard();
    interrupt.dispose();
  }
  return exitCode;
}

function commanderExit(e: { code: string }): number {
  if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return ExitCode.ok;
  return ExitCode.usage; // commander already printed the message
}

function readVersion(): string {
  return packageInfo().version;
}

export type { Handler, CommandModule } from './registry.js';
