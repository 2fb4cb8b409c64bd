// Users file: one "name:secret" per line; '#' starts a comment. secret is either a plain password
// or "$pbkdf2-sha256$<iterations>$<salt base64>$<salted password base64>" (SCRAM SaltedPassword).
import { pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface UserEntry {
  name: string;
  plain?: string;
  salt: Buffer;
  iterations: number;
  /** PBKDF2-HMAC-SHA-256(password, salt, iterations, 32) */
  salted: Buffer;
}

export type UserTable = Map<string, UserEntry>;

export function saltPassword(password: string, salt: Buffer, iterations: number): Buffer {
  return pbkdf2Sync(password, salt, iterations, 32, 'sha256');
}

/** Produces the hashed form of a password for a users file. */
export function hashPassword(password: string, iterations = 4096): string {
  const salt = randomBytes(16);
  return `$pbkdf2-sha256$${iterations}$${salt.toString('base64')}$${saltPassword(password, salt, iterations).toString('base64')}`;
}

export function parseUsers(text: string, file = 'users file'): UserTable {
  const users: UserTable = new Map();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`${file}:${i + 1}: expected name:password`);
    const name = line.slice(0, colon);
    const secret = line.slice(colon + 1);
    if (secret.startsWith('$pbkdf2-sha256$')) {
      const [, , it, salt, hash] = secret.split('$');
      const iterations = Number(it);
      if (!Number.isInteger(iterations) || iterations < 1 || !salt || !hash) {
        throw new Error(`${file}:${i + 1}: malformed $pbkdf2-sha256$ entry`);
      }
      users.set(name, {
        name,
        salt: Buffer.from(salt, 'base64'),
        iterations,
        salted: Buffer.from(hash, 'base64'),
      });
    } else {
      const salt = randomBytes(16);
      users.set(name, {
        name,
        plain: secret,
        salt,
        iterations: 4096,
        salted: saltPassword(secret, salt, 4096),
      });
    }
  });
  return users;
}

export function loadUsers(file: string): UserTable {
  return parseUsers(readFileSync(file, 'utf8'), file);
}

export function checkPassword(u: UserEntry, password: Buffer | string | undefined): boolean {
  if (password === undefined) return false;
  const pw = typeof password === 'string' ? password : password.toString('utf8');
  if (u.plain !== undefined) {
    const a = Buffer.from(pw);
    const b = Buffer.from(u.plain);
    return a.length === b.length && timingSafeEqual(a, b);
  }
  return timingSafeEqual(saltPassword(pw, u.salt, u.iterations), u.salted);
}
