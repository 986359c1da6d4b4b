// JSON Web Tokens, locally: decode the claims of a token the cluster issued (never print the token
// itself), and sign test tokens for the scenario's own OIDC issuer.
import { createPrivateKey, createPublicKey, createSign, createHash, type KeyObject } from 'node:crypto';

export type Claims = Record<string, unknown>;

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/** The payload of a compact JWS, without verifying it. Throws without echoing the token. */
export function decodeClaims(token: string): Claims {
  const parts = token.trim().split('.');
  if (parts.length !== 3) throw new Error(`not a JWT: expected 3 dot-separated parts, got ${parts.length}`);
  try {
    return JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Claims;
  } catch {
    throw new Error('not a JWT: the payload is not base64url-encoded JSON');
  }
}

/** A short, non-secret fingerprint for logs ("token sha256:1a2b3c4d…"), never the token. */
export function fingerprint(token: string): string {
  return `sha256:${createHash('sha256').update(token).digest('hex').slice(0, 12)}`;
}

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: Record<string, unknown>;
}

export function signingKey(pem: string): SigningKey {
  const privateKey = createPrivateKey(pem);
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' }) as Record<string, unknown>;
  const kid = createHash('sha256').update(JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n })).digest('base64url').slice(0, 16);
  return { kid, privateKey, publicJwk: { ...jwk, kid, alg: 'RS256', use: 'sig' } };
}

/** RS256-sign `claims`. */
export function signJwt(key: SigningKey, claims: Claims): string {
  const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: key.kid }));
  const payload = b64url(JSON.stringify(claims));
  const signer = createSign('RSA-SHA256');
  signer.update(`${header}.${payload}`);
  return `${header}.${payload}.${signer.sign(key.privateKey).toString('base64url')}`;
}
