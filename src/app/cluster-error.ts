// A cluster's error as text for the report: the message, the tail of the tool's output, its log
// and the hint.
import { isKindlabError, ProcessError } from '../errors.js';

export function clusterErrorText(e: unknown): string {
  const err = e instanceof Error ? e : new Error(String(e));
  // The first line is what the summary table shows: the message and the tool's own ERROR line.
  const key = isKindlabError(err) && err.detail ? [...err.detail.split('\n')].reverse().find((l) => /^ERROR: /.test(l.trim())) : undefined;
  const because = key ? key.trim().replace(/^ERROR: (failed to create cluster: )?/, '') : '';
  const lines = [because ? `${err.message}: ${because.length > 200 ? `${because.slice(0, 200)}…` : because}` : err.message];
  if (isKindlabError(err)) {
    if (err.detail) lines.push(...err.detail.trim().split('\n').slice(-12).map((l) => `  | ${l}`));
    if (err instanceof ProcessError && err.logFile) lines.push(`full log: ${err.logFile}`);
    if (err.hint) lines.push(`hint: ${err.hint}`);
  }
  return lines.join('\n');
}
