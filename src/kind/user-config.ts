// Reads the user's own kind config (--config): unreadable or invalid YAML is a usage error that
// says which file and where.
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { UsageError } from '../errors.js';

export function readUserKindConfig(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read --config ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(e)}`, {
      hint: 'pass the path of a kind cluster config (kind: Cluster, apiVersion: kind.x-k8s.io/v1alpha4)',
    });
  }
  const docs = YAML.parseAllDocuments(text);
  const first = docs[0];
  if (docs.length !== 1 || !first) {
    throw new UsageError(`--config ${path} must hold exactly one YAML document (found ${docs.length})`);
  }
  if (first.errors.length > 0) {
    const err = first.errors[0];
    throw new UsageError(`--config ${path} is not valid YAML: ${err?.message.split('\n')[0]}`, {
      detail: err?.message,
      hint: 'fix the YAML syntax (indentation, colons) and try again',
    });
  }
  return first.toJS();
}
