// The variable header of a CONNECT (3.1, 3.1.1, 5.0): where the protocol name, the level, the Connect
// Flags and the first payload field sit. One reader for the reference broker (which protocol a client
// speaks), the load tap (a connection's client id) and the engine (where credentials go in a raw
// CONNECT). It follows lengths only and checks no content (the name, the flags, the properties: the
// broker's validation and the strict checker do), so it answers as far as a packet's lengths allow.
import { readVbi, type VbiRead } from './vbi.ts';

export interface ConnectHeader {
  /** the Protocol Name's bytes are [nameAt, nameEnd) */
  nameAt: number;
  nameEnd: number;
  /** the Protocol Level byte as sent (3.1: 3, 3.1.1: 4, 5.0: 5; a bridge sets bit 7 on top) */
  level: number;
  /** offset of the Connect Flags byte; -1 when the packet ends before the flags and the keep alive */
  flagsAt: number;
  /** offset of the first payload field (the client id), past the 5.0 properties; -1 when the packet ends
   *  before it or the properties' length runs past its end */
  payloadAt: number;
}

const vbi: VbiRead = { value: 0, end: 0 };

/** The header of the CONNECT whose body (what follows the fixed header) is b[bodyAt, end); undefined when
 *  the body is too short to hold the protocol name and the level. */
export function readConnectHeader(b: Uint8Array, bodyAt: number, end: number): ConnectHeader | undefined {
  if (bodyAt + 2 > end) return undefined;
  const nameEnd = bodyAt + 2 + ((b[bodyAt]! << 8) | b[bodyAt + 1]!);
  if (nameEnd + 1 > end) return undefined;
  const level = b[nameEnd]!;
  const h: ConnectHeader = { nameAt: bodyAt + 2, nameEnd, level, flagsAt: -1, payloadAt: -1 };
  if (nameEnd + 4 > end) return h; // level, flags, keep alive
  h.flagsAt = nameEnd + 1;
  let p = nameEnd + 4;
  if (level === 5) {
    if (!readVbi(b, p, end, vbi) || vbi.end + vbi.value > end) return h;
    p = vbi.end + vbi.value;
  }
  h.payloadAt = p;
  return h;
}

/** The body of the whole frame f: [offset after the fixed header, end of the packet), or undefined when the
 *  Remaining Length is unreadable or announces more bytes than f holds. */
export function frameBody(f: Uint8Array): { bodyAt: number; end: number } | undefined {
  if (!readVbi(f, 1, f.length, vbi) || vbi.end + vbi.value > f.length) return undefined;
  return { bodyAt: vbi.end, end: vbi.end + vbi.value };
}
