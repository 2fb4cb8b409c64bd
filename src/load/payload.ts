// The measurement header at the start of every load PUBLISH payload (26 bytes, big endian):
//   0  u16  magic 0xC71B
//   2  u32  publisher index (global over all groups, workers and shards)
//   6  u32  sequence number of this publisher (0, 1, 2, ...)
//  10  f64  intended send time, ms of the common clock (performance.timeOrigin + performance.now())
//  18  f64  actual send time, same clock
// followed by the profile's template bytes and padding up to the payload size.
import { performance } from 'node:perf_hooks';

const MAGIC = 0xc71b;
export const HEADER_SIZE = 26;
const OFF_PUB = 2;
const OFF_SEQ = 6;
const OFF_INTENDED = 10;
const OFF_ACTUAL = 18;

/** Milliseconds on a clock shared by every worker thread and (with synchronised hosts) every shard. */
export function clock(): number {
  return performance.timeOrigin + performance.now();
}

/** Builds a payload of `size` bytes: header (publisher filled in, sequence and times zero), template, padding. */
export function payloadTemplate(size: number, publisher: number, template?: Buffer): Buffer {
  const b = Buffer.alloc(Math.max(size, HEADER_SIZE + (template?.length ?? 0)), 0x2e);
  b.writeUInt16BE(MAGIC, 0);
  b.writeUInt32BE(publisher >>> 0, OFF_PUB);
  b.writeUInt32BE(0, OFF_SEQ);
  b.writeDoubleBE(0, OFF_INTENDED);
  b.writeDoubleBE(0, OFF_ACTUAL);
  if (template) template.copy(b, HEADER_SIZE);
  return b;
}

/** Patches sequence and times into a payload header at `off` of `buf`. */
export function patchHeader(buf: Buffer, off: number, seq: number, intended: number, actual: number): void {
  buf.writeUInt32BE(seq >>> 0, off + OFF_SEQ);
  buf.writeDoubleBE(intended, off + OFF_INTENDED);
  buf.writeDoubleBE(actual, off + OFF_ACTUAL);
}

export interface DecodedHeader {
  publisher: number;
  seq: number;
  intended: number;
  actual: number;
}

/** Reads the header of a payload spanning buf[start, end); false when it is not a load payload. */
export function readHeader(buf: Buffer, start: number, end: number, out: DecodedHeader): boolean {
  if (end - start < HEADER_SIZE || buf.readUInt16BE(start) !== MAGIC) return false;
  out.publisher = buf.readUInt32BE(start + OFF_PUB);
  out.seq = buf.readUInt32BE(start + OFF_SEQ);
  out.intended = buf.readDoubleBE(start + OFF_INTENDED);
  out.actual = buf.readDoubleBE(start + OFF_ACTUAL);
  return true;
}
