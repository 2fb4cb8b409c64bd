// Variable Byte Integers (MQTT 5.0 section 1.5.5, MQTT 3.1.1 section 2.2.3): 7 bits a byte, least significant
// group first, the top bit saying "more follows"; at most 4 bytes (MQTT-1.5.5-1). One reader, one size rule and
// one encoder for the harness and the broker. The frame reader (frames.ts) scans Remaining Length itself,
// because it must also work on a header split across reads.

/** The largest value 4 bytes hold. */
export const MAX_VBI = 268_435_455;

/** Where `readVbi` leaves its result: reuse one per module, so a read allocates nothing. */
export interface VbiRead {
  value: number;
  /** Offset just past the integer. */
  end: number;
}

/** The integer at buf[pos], whose bytes must lie before `limit`: true with `out` filled; false when its bytes
 *  run past `limit` or it is longer than 4 bytes (MQTT-1.5.5-1). */
export function readVbi(buf: Uint8Array, pos: number, limit: number, out: VbiRead): boolean {
  let value = 0;
  let mult = 1;
  for (let n = 0; n < 4; n++) {
    if (pos >= limit) return false;
    const b = buf[pos++]!;
    value += (b & 0x7f) * mult;
    if ((b & 0x80) === 0) {
      out.value = value;
      out.end = pos;
      return true;
    }
    mult *= 128;
  }
  return false;
}

/** Bytes the minimal encoding of `n` takes. */
export function vbiLength(n: number): number {
  return n < 128 ? 1 : n < 16_384 ? 2 : n < 2_097_152 ? 3 : 4;
}

/** Minimal encoding, or padded to `minBytes` with 0x80 continuation bytes (up to 5: beyond the spec, for
 *  packets that test a peer's limits). */
export function encodeVbi(n: number, minBytes = 1): Buffer {
  const out: number[] = [];
  do {
    let d = n % 128;
    n = Math.floor(n / 128);
    if (n > 0 || out.length + 1 < minBytes) d |= 0x80;
    out.push(d);
  } while (n > 0);
  while (out.length < minBytes) out.push(out.length + 1 < minBytes ? 0x80 : 0x00);
  return Buffer.from(out);
}
