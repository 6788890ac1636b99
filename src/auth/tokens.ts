import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits, URL-safe. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/*
 * Tokens are random and long, so a fast hash is enough: the database holds
 * only hashes, and a stolen table yields no usable token.
 */
export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
