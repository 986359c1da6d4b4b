// Minimal leveled logger writing to stderr; respects NO_COLOR and non-TTY output.
export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
  debug(msg: string): void;
}

export interface LoggerOptions {
  verbose?: boolean;
  write?: (s: string) => void;
  color?: boolean;
}

export function useColor(stream: { isTTY?: boolean } = process.stderr, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR) return true;
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const write = opts.write ?? ((s: string) => process.stderr.write(s));
  const color = opts.color ?? useColor();
  const paint = (code: string, s: string): string => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
  return {
    info: (m) => write(`${m}\n`),
    warn: (m) => write(`${paint('33', 'warning:')} ${m}\n`),
    error: (m) => write(`${paint('31', 'error:')} ${m}\n`),
    debug: (m) => {
      if (opts.verbose) write(`${paint('2', m)}\n`);
    },
  };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {}, debug() {} };
