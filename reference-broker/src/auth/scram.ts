// SCRAM-SHA-256 (RFC 5802 / RFC 7677, no channel binding) carried over MQTT 5 enhanced
// authentication: CONNECT(method, client-first) -> AUTH 0x18(server-first) -> AUTH 0x18(client-final)
// -> CONNACK 0x00 (server-final in Authentication Data).
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { UserTable } from './users.ts';

export const SCRAM_METHOD = 'SCRAM-SHA-256';

const hmac = (key: Buffer, data: string) => createHmac('sha256', key).update(data).digest();
const sha = (b: Buffer) => createHash('sha256').update(b).digest();

function attrs(s: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const part of s.split(',')) {
    const eq = part.indexOf('=');
    if (eq === 1) m.set(part[0]!, part.slice(2));
  }
  return m;
}

export interface ScramServerState {
  user: string;
  clientFirstBare: string;
  serverFirst: string;
  nonce: string;
}

export type ScramStep =
  | { ok: true; state: ScramServerState; reply: Buffer }
  | { ok: true; done: true; user: string; reply: Buffer }
  | { ok: false; reason: string };

/** Handles client-first-message; answers server-first-message. */
export function scramStart(users: UserTable | undefined, data: Buffer | undefined): ScramStep {
  const msg = data?.toString('utf8') ?? '';
  if (!msg.startsWith('n,,')) return { ok: false, reason: 'expected gs2 header n,,' };
  const bare = msg.slice(3);
  const a = attrs(bare);
  const user = (a.get('n') ?? '').replaceAll('=2C', ',').replaceAll('=3D', '=');
  const cnonce = a.get('r');
  if (!user || !cnonce) return { ok: false, reason: 'missing user or nonce' };
  const u = users?.get(user);
  if (!u) return { ok: false, reason: 'unknown user' };
  const nonce = cnonce + randomBytes(18).toString('base64');
  const serverFirst = `r=${nonce},s=${u.salt.toString('base64')},i=${u.iterations}`;
  return {
    ok: true,
    state: { user, clientFirstBare: bare, serverFirst, nonce },
    reply: Buffer.from(serverFirst),
  };
}

/** Verifies client-final-message; answers server-final-message. */
export function scramFinish(
  users: UserTable | undefined,
  st: ScramServerState,
  data: Buffer | undefined,
): ScramStep {
  const msg = data?.toString('utf8') ?? '';
  const pIdx = msg.lastIndexOf(',p=');
  if (pIdx < 0) return { ok: false, reason: 'missing proof' };
  const withoutProof = msg.slice(0, pIdx);
  const a = attrs(msg);
  if (a.get('r') !== st.nonce) return { ok: false, reason: 'nonce mismatch' };
  const u = users?.get(st.user);
  if (!u) return { ok: false, reason: 'unknown user' };
  const authMessage = `${st.clientFirstBare},${st.serverFirst},${withoutProof}`;
  const storedKey = sha(hmac(u.salted, 'Client Key'));
  const sig = hmac(storedKey, authMessage);
  const proof = Buffer.from(a.get('p') ?? '', 'base64');
  if (proof.length !== sig.length) return { ok: false, reason: 'bad proof' };
  const clientKey = Buffer.alloc(sig.length);
  for (let i = 0; i < sig.length; i++) clientKey[i] = proof[i]! ^ sig[i]!;
  if (!timingSafeEqual(sha(clientKey), storedKey)) return { ok: false, reason: 'bad proof' };
  const serverSig = hmac(hmac(u.salted, 'Server Key'), authMessage);
  return { ok: true, done: true, user: st.user, reply: Buffer.from(`v=${serverSig.toString('base64')}`) };
}

/** Client side, for tests and the harness: produces messages and checks the server signature. */
export class ScramClient {
  private readonly cnonce = randomBytes(18).toString('base64');
  private authMessage = '';
  private salted: Buffer | undefined;
  constructor(
    private readonly user: string,
    private readonly password: string,
  ) {}
  first(): Buffer {
    return Buffer.from(`n,,n=${this.user},r=${this.cnonce}`);
  }
  final(serverFirst: Buffer): Buffer {
    const sf = serverFirst.toString('utf8');
    const a = attrs(sf);
    const salt = Buffer.from(a.get('s') ?? '', 'base64');
    const it = Number(a.get('i'));
    this.salted = pbkdf2(this.password, salt, it);
    const withoutProof = `c=biws,r=${a.get('r')}`;
    this.authMessage = `n=${this.user},r=${this.cnonce},${sf},${withoutProof}`;
    const clientKey = hmac(this.salted, 'Client Key');
    const sig = hmac(sha(clientKey), this.authMessage);
    const proof = Buffer.alloc(clientKey.length);
    for (let i = 0; i < proof.length; i++) proof[i] = clientKey[i]! ^ sig[i]!;
    return Buffer.from(`${withoutProof},p=${proof.toString('base64')}`);
  }
  verify(serverFinal: Buffer): boolean {
    const expect = hmac(hmac(this.salted!, 'Server Key'), this.authMessage).toString('base64');
    return serverFinal.toString('utf8') === `v=${expect}`;
  }
}

function pbkdf2(pw: string, salt: Buffer, it: number): Buffer {
  return pbkdf2Sync(pw, salt, it, 32, 'sha256');
}
