#!/usr/bin/env node
// Thin launcher: all logic lives in dist/cli/main.js (built from src/ by `npm run build`).
import { runCli } from '../dist/cli/main.js';
import { realExit } from '../dist/util/exit-guard.js';

// `kindlab ... | head` closes the pipe early; that is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') realExit(process.exitCode ?? 0);
    throw e;
  });
}

const code = await runCli(process.argv.slice(2));
process.exitCode = code;
