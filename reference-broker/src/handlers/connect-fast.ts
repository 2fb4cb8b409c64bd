// The common CONNECT read without mqtt-packet: a connection storm spends a good share of each
// connection in mqtt-packet's generic parser (a BufferList, copies, a string per field) and in the
// strict frame scan (validate.ts). The plain shapes (3.1.1 or 5.0 without properties, no will, an
// ASCII client id and user name) are read here into the same object mqtt-packet yields, field order
// included (traces print it); everything else returns undefined and takes the full path
// (connection.ts -> Decoder -> validate.ts -> handleConnect), which also reports every violation.
import type { IConnectPacket } from 'mqtt-packet';
import type { Connection } from '../connection.ts';
import { describe } from '../trace-format.ts';
import { handleConnect } from './connect.ts';

/**
 * Connect flags of the fast path: Clean Session, User Name, Password with User Name. The reserved bit
 * (MQTT-3.1.2-3), the Will bits (MQTT-3.1.2-11/-13/-15) and Password without User Name (MQTT-3.1.2-22,
 * 3.1.1) go the full path, which checks them.
 */
const FAST_FLAGS = new Set([0x00, 0x02, 0x80, 0x82, 0xc0, 0xc2]);

/** A length-prefixed field of printable ASCII (none of the UTF-8 violations of MQTT-1.5.3-1/-2 can
 * occur in it); its end offset, or -1. */
function asciiField(b: Buffer, at: number, end: number): number {
  if (at + 2 > end) return -1;
  const stop = at + 2 + ((b[at]! << 8) | b[at + 1]!);
  if (stop > end) return -1;
  for (let i = at + 2; i < stop; i++) {
    const c = b[i]!;
    if (c < 0x20 || c > 0x7e) return -1;
  }
  return stop;
}

/** Reads a plain CONNECT frame (fixed header included, body at bodyStart); undefined for any other. */
export function parseSimpleConnect(frame: Buffer, bodyStart: number): IConnectPacket | undefined {
  const end = frame.length;
  let i = bodyStart;
  // 0x10, protocol name "MQTT", level 4 or 5 (no bridge bit: mqtt-packet would adopt it)
  if (frame[0] !== 0x10 || end - i < 10) return undefined;
  if (
    frame[i] !== 0 ||
    frame[i + 1] !== 4 ||
    frame[i + 2] !== 0x4d ||
    frame[i + 3] !== 0x51 ||
    frame[i + 4] !== 0x54 ||
    frame[i + 5] !== 0x54
  )
    return undefined;
  const level = frame[i + 6]!;
  if (level !== 4 && level !== 5) return undefined;
  const flags = frame[i + 7]!;
  if (!FAST_FLAGS.has(flags)) return undefined;
  const keepalive = (frame[i + 8]! << 8) | frame[i + 9]!;
  i += 10;
  if (level === 5) {
    if (frame[i] !== 0) return undefined; // properties: the full path
    i++;
  }
  const idEnd = asciiField(frame, i, end);
  if (idEnd < 0) return undefined;
  const clientId = frame.toString('latin1', i + 2, idEnd);
  i = idEnd;
  let username: string | undefined;
  let password: Buffer | undefined;
  if (flags & 0x80) {
    const e = asciiField(frame, i, end);
    if (e < 0) return undefined;
    username = frame.toString('latin1', i + 2, e);
    i = e;
  }
  if (flags & 0x40) {
    if (i + 2 > end) return undefined;
    const e = i + 2 + ((frame[i]! << 8) | frame[i + 1]!);
    if (e > end) return undefined;
    password = Buffer.from(frame.subarray(i + 2, e));
    i = e;
  }
  if (i !== end) return undefined; // bytes after the last field: the full path reports them
  // the fields in mqtt-packet's order (its Packet, then _parseConnect)
  const p = {
    cmd: 'connect',
    retain: false,
    qos: 0,
    dup: false,
    length: end - bodyStart,
    topic: null,
    payload: null,
    protocolId: 'MQTT',
    protocolVersion: level,
    clean: (flags & 0x02) !== 0,
    keepalive,
    clientId,
  } as unknown as IConnectPacket;
  if (username !== undefined) p.username = username;
  if (password !== undefined) p.password = password;
  return p;
}

/**
 * The first CONNECT of a connection (its Decoder already set up for the level): handled here when it
 * has a plain shape, which passes every check of validate.ts (dispatch); false: take the full path.
 */
export function connectFast(conn: Connection, frame: Buffer, bodyStart: number): boolean {
  const p = parseSimpleConnect(frame, bodyStart);
  if (p === undefined) return false;
  if (conn.broker.config.trace) conn.broker.trace(conn, 'in', describe(p));
  handleConnect(conn, p);
  return true;
}
