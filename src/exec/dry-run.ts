// A runner for --dry-run: records and prints the exact commands instead of running them.
// Read-only queries (version probes, `git rev-parse`) still run through `passThrough`.
import type { ProcessRunner, RunOptions, RunResult } from './runner.js';
import { describe } from './runner.js';

export class DryRunRunner implements ProcessRunner {
  readonly commands: string[] = [];
  constructor(
    private readonly print: (line: string) => void,
    private readonly passThrough?: ProcessRunner,
    private readonly isReadOnly: (file: string, args: readonly string[]) => boolean = () => false,
  ) {}

  async run(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    if (this.passThrough && this.isReadOnly(file, args)) return this.passThrough.run(file, args, options);
    const line = (options.cwd ? `(cd ${options.cwd} && ` : '') + describe([file, ...args]) + (options.cwd ? ')' : '');
    this.commands.push(line);
    this.print(`+ ${line}`);
    return { argv: [file, ...args], exitCode: 0, stdout: '', stderr: '' };
  }
}
