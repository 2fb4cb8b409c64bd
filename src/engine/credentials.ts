// The profile's credentials on CONNECTs written as raw bytes: a broker that wants a user refuses every CONNECT
// without one, so a raw CONNECT about something else (a client id rule, a flag) would be judged on the wrong
// refusal. Only a CONNECT whose structure is whole (one packet, every payload field where its flags say) and
// which names neither user nor password gets them (packets after it in the same write stay as they are);
// anything else is sent exactly as written.
import { frameBody, readConnectHeader } from '../protocol/connect-header.ts';
import { encodeVbi, readVbi, type VbiRead } from '../protocol/vbi.ts';

/** The Variable Byte Integer at b[off] (any bytes after it allowed), or undefined. */
function vbiAt(b: Buffer, off: number): { value: number; next: number } | undefined {
  const r: VbiRead = { value: 0, end: 0 };
  return readVbi(b, off, b.length, r) ? { value: r.value, next: r.end } : undefined;
}

/** Offset after a two-byte-length field at `off`, or undefined when it runs past `end`. */
function skipString(b: Buffer, off: number, end: number): number | undefined {
  if (off + 2 > end) return undefined;
  const next = off + 2 + b.readUInt16BE(off);
  return next <= end ? next : undefined;
}

function str(s: string | Buffer): Buffer {
  const body = typeof s === 'string' ? Buffer.from(s, 'utf8') : s;
  const len = Buffer.alloc(2);
  len.writeUInt16BE(body.length);
  return Buffer.concat([len, body]);
}

/** Where the CONNECT flags byte sits and where the packet ends, when `bytes` start with a whole, well-shaped
 *  CONNECT (other packets may follow it in the same write). */
function connectShape(bytes: Buffer): { flagsAt: number; bodyAt: number; end: number } | undefined {
  if (bytes[0] !== 0x10) return undefined;
  const body = frameBody(bytes);
  if (!body) return undefined;
  const { bodyAt, end } = body;
  const h = readConnectHeader(bytes, bodyAt, end);
  if (!h || h.flagsAt < 0 || h.payloadAt < 0) return undefined;
  const { flagsAt, level } = h;
  const flags = bytes[flagsAt] as number;
  let off = h.payloadAt;
  const fields: Array<'string' | 'props'> = ['string']; // client id
  if (flags & 0x04) fields.push(...(level === 5 ? (['props'] as const) : []), 'string', 'string');
  for (const f of fields) {
    if (f === 'props') {
      const p = vbiAt(bytes, off);
      if (!p || p.next + p.value > end) return undefined;
      off = p.next + p.value;
    } else {
      const next = skipString(bytes, off, end);
      if (next === undefined) return undefined;
      off = next;
    }
  }
  // anything after the will fields means the bytes carry more than their flags say: leave them alone
  return off === end ? { flagsAt, bodyAt, end } : undefined;
}

/**
 * `bytes` with the user name (and password) added, when they are one whole CONNECT naming neither; otherwise
 * undefined (send the bytes as written).
 */
export function withCredentials(
  bytes: Buffer,
  username: string,
  password: string | Buffer | undefined,
): Buffer | undefined {
  const shape = connectShape(bytes);
  if (!shape) return undefined;
  const flags = bytes[shape.flagsAt] as number;
  if (flags & 0xc0) return undefined;
  const body = Buffer.from(bytes.subarray(shape.bodyAt, shape.end));
  body[shape.flagsAt - shape.bodyAt] = flags | 0x80 | (password !== undefined ? 0x40 : 0);
  const extra = [str(username), ...(password !== undefined ? [str(password)] : [])];
  const rest = Buffer.concat([body, ...extra]);
  return Buffer.concat([Buffer.from([0x10]), encodeVbi(rest.length), rest, bytes.subarray(shape.end)]);
}
