// Typed errors with exit codes, so the CLI maps any failure to a documented exit status
// and every message can say what was wrong, why, and how to fix it.

export const ExitCode = {
  ok: 0,
  /** A scenario failed, or a check did not pass. */
  failed: 1,
  /** The command line or an input file is wrong. */
  usage: 2,
  /** The environment lacks something (docker down, kind missing, binary missing). */
  environment: 3,
  /** A child process (kind, git, a component) failed. */
  process: 4,
  /** What was asked conflicts with existing state (name taken, not created by kindlab). */
  conflict: 5,
  /** Interrupted by SIGINT/SIGTERM; cleanup ran. */
  interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface ErrorDetails {
  /** How to fix it, shown under the message. */
  hint?: string;
  /** Extra output (e.g. a log tail) shown after the message. */
  detail?: string;
  cause?: unknown;
}

export class KindlabError extends Error {
  readonly exitCode: ExitCodeValue = ExitCode.failed;
  readonly hint?: string;
  readonly detail?: string;
  constructor(message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.hint = details.hint;
    this.detail = details.detail;
  }
}

/** Bad flags, arguments or input files. */
export class UsageError extends KindlabError {
  override readonly exitCode = ExitCode.usage;
}

/** The machine lacks something kindlab needs. */
export class EnvironmentError extends KindlabError {
  override readonly exitCode = ExitCode.environment;
}

/** Conflicts with existing clusters, images or state. */
export class ConflictError extends KindlabError {
  override readonly exitCode = ExitCode.conflict;
}

/** A child process failed; carries argv, exit code and the tail of its output. */
export class ProcessError extends KindlabError {
  override readonly exitCode = ExitCode.process;
  constructor(
    message: string,
    readonly argv: readonly string[],
    readonly processExitCode: number | undefined,
    readonly outputTail: string,
    details: ErrorDetails & { logFile?: string } = {},
  ) {
    super(message, { ...details, detail: details.detail ?? outputTail });
    this.logFile = details.logFile;
  }
  readonly logFile?: string;
}

/** The user interrupted; whatever was created has been cleaned up. */
export class InterruptedError extends KindlabError {
  override readonly exitCode = ExitCode.interrupted;
}

/** A scenario or check failed (used for `run`/`test` summaries). */
export class FailedError extends KindlabError {
  override readonly exitCode = ExitCode.failed;
}

export function isKindlabError(e: unknown): e is KindlabError {
  return e instanceof KindlabError;
}
