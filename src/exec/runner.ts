// The one seam through which kindlab runs child processes: argv arrays only (never a shell),
// cancellation through an AbortSignal, and failures that carry argv, exit code and output tail.
import { closeSync, openSync } from 'node:fs';
import type { Options } from 'execa';
import { ProcessError } from '../errors.js';
import { readTail } from '../util/tail.js';

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  input?: string;
  signal?: AbortSignal;
  /** Send stdout and stderr to this file (appended) instead of capturing them. */
  logFile?: string;
  timeoutMs?: number;
  /** Resolve with the result instead of throwing on a non-zero exit. */
  allowFailure?: boolean;
  /** Pass the child's stderr through to ours as it comes (long builds whose progress the user watches). */
  passStderr?: boolean;
}

export interface RunResult {
  argv: readonly string[];
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface ProcessRunner {
  run(file: string, args: readonly string[], options?: RunOptions): Promise<RunResult>;
}

const TAIL_LINES = 30;

/** The real runner, backed by execa. execa is imported lazily to keep `--help` fast. */
export class ExecaRunner implements ProcessRunner {
  async run(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const { execa } = await import('execa');
    const argv = [file, ...args];
    if (options.logFile) closeSync(openSync(options.logFile, 'a', 0o600));
    const sink = options.logFile ? { file: options.logFile, append: true } : ('pipe' as const);
    {
      const execaOptions: Options = {
        cwd: options.cwd,
        env: options.env,
        extendEnv: true,
        stdout: sink,
        stderr: options.passStderr && !options.logFile ? 'inherit' : sink,
        // Its own process group, so that cancelling stops what it started too (kind's docker
        // execs, go's compilers, a shell's sleep): a grandchild left running would hold the
        // output pipe open and the cancelled command would not return until it ended.
        detached: Boolean(options.signal),
        timeout: options.timeoutMs,
        forceKillAfterDelay: 5_000,
        reject: false,
        stripFinalNewline: false,
        ...(options.input === undefined ? { stdin: 'ignore' as const } : { input: options.input }),
      };
      if (options.signal?.aborted) throw options.signal.reason;
      const subprocess = execa(file, [...args], execaOptions);
      const killGroup = (sig: NodeJS.Signals): void => {
        try {
          if (subprocess.pid) process.kill(-subprocess.pid, sig);
        } catch {
          /* the group is gone already */
        }
      };
      let forceKill: NodeJS.Timeout | undefined;
      const onAbort = (): void => {
        killGroup('SIGTERM');
        forceKill = setTimeout(() => killGroup('SIGKILL'), 5_000);
        forceKill.unref();
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      let result;
      try {
        result = await subprocess;
      } finally {
        options.signal?.removeEventListener('abort', onAbort);
        clearTimeout(forceKill);
      }
      if (options.signal?.aborted) throw options.signal.reason;
      const stdout = typeof result.stdout === 'string' ? result.stdout : '';
      const stderr = typeof result.stderr === 'string' ? result.stderr : '';
      if (result.failed && result.exitCode === undefined && !result.timedOut) {
        const cause: unknown = result.cause;
        const missing = cause instanceof Error && /ENOENT/.test(cause.message);
        throw new ProcessError(
          missing ? `${file}: command not found` : `${file} could not be started: ${result.shortMessage}`,
          argv,
          undefined,
          '',
          { hint: missing ? `install ${file} or put it on PATH` : undefined, cause },
        );
      }
      const exitCode = result.exitCode ?? 1;
      if (exitCode !== 0 && !options.allowFailure) {
        const tail = options.logFile ? readTail(options.logFile, TAIL_LINES) : lastLines(stderr || stdout, TAIL_LINES);
        throw new ProcessError(
          result.timedOut
            ? `${describe(argv)} timed out after ${options.timeoutMs} ms`
            : `${describe(argv)} failed with exit code ${exitCode}`,
          argv,
          exitCode,
          tail,
          { logFile: options.logFile },
        );
      }
      return { argv, exitCode, stdout, stderr };
    }
  }
}

export function describe(argv: readonly string[]): string {
  return argv.map(quoteForDisplay).join(' ');
}

/** Quote for display only (dry runs, error messages); commands are never run through a shell. */
export function quoteForDisplay(arg: string): string {
  return /^[A-Za-z0-9_./:=,@%+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function lastLines(text: string, n: number): string {
  const lines = text.replace(/\s+$/, '').split('\n');
  return lines.slice(-n).join('\n');
}
