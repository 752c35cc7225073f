// API token text: a recognisable prefix (so secret scanners and people can tell what leaked)
// and 32 random bytes, base64url. Only the SHA-256 is stored: a token carries 256 bits of
// entropy, so there is nothing to guess and a fast hash is enough; slow password hashes
// (scrypt, argon2) exist for low-entropy secrets chosen by people.
import { createHash, randomBytes } from 'node:crypto';

export const TOKEN_PREFIX = 'hwt_';
const TOKEN_PATTERN = /^hwt_[A-Za-z0-9_-]{43}$/;

export function newTokenSecret(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** A short public id to list and revoke a token by. */
export function newTokenId(): string {
  return randomBytes(6).toString('hex');
}

export function isTokenShaped(text: string): boolean {
  return TOKEN_PATTERN.test(text);
}

export function tokenHash(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
