// Keeps bearer tokens out of logs and reports: anything shaped like a JWT is replaced.
const JWT = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g;

export function redact(text: string): string {
  return text.replace(JWT, '[REDACTED-TOKEN]');
}
