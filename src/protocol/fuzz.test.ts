// Fuzz: random bytes and mutated valid packets, randomly chunked. The Decoder must never throw,
// must report at most one error and nothing after it, and must finish; the wire scanner, checker
// and mutations must never throw anything but their own documented errors.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Packet } from 'mqtt-packet';
import { checkInbound } from './checker.ts';
import { Decoder, encode } from './codec.ts';
import { GOLDEN_VECTORS } from './golden-vectors.ts';
import { type Mutation, MutationError, mutate } from './mutate.ts';
import { hexToBytes } from './raw.ts';
import { Prng } from './testing/prng.ts';
import { scanPacket } from './wire.ts';

const VERSIONS = [3, 4, 5] as const;
const VALID = GOLDEN_VECTORS.map((v) => ({ version: v.version, bytes: hexToBytes(v.hex) }));

function feed(r: Prng, version: 3 | 4 | 5, bytes: Buffer) {
  let errors = 0;
  let packetsAfterError = 0;
  let packets = 0;
  const d = new Decoder(
    version,
    {
      packet: (p, raw) => {
        if (errors > 0) packetsAfterError++;
        packets++;
        // everything the decoder accepts must also be scannable and checkable without throwing
        scanPacket(raw, version);
        checkInbound(p, raw, { version });
      },
      error: () => {
        errors++;
      },
    },
    r.bool(0.3) ? { maxPacketSize: 1 + r.int(300) } : {},
  );
  let off = 0;
  while (off < bytes.length) {
    const n = 1 + r.int(Math.min(64, bytes.length - off));
    d.push(bytes.subarray(off, off + n));
    off += n;
    if (r.bool(0.02)) d.setVersion(r.pick(VERSIONS));
  }
  assert.ok(errors <= 1, 'at most one error');
  assert.equal(packetsAfterError, 0, 'no packet after an error');
  assert.equal(d.failed, errors === 1);
  return { errors, packets };
}

function randomMutation(r: Prng): Mutation {
  switch (r.int(12)) {
    case 0:
      return { op: 'flags', value: r.int(16) };
    case 1:
      return { op: 'type', value: r.int(16) };
    case 2:
      return { op: 'remainingLength', value: r.int(400) };
    case 3:
      return { op: 'overlongLength', bytes: 1 + r.int(5) };
    case 4:
      return { op: 'truncate', at: r.int(40) };
    case 5:
      return { op: 'truncateBody', by: r.int(6) };
    case 6:
      return { op: 'qos', value: r.int(4) };
    case 7:
      return {
        op: r.pick(['badUtf8', 'nullChar', 'surrogate'] as const),
        field: r.pick(['topic', 'clientId', 'filter']),
      };
    case 8:
      return { op: 'addProperty', id: r.pick([0x01, 0x0b, 0x11, 0x24, 0x26]), value: r.int(3) };
    case 9:
      return { op: 'duplicateProperty', id: r.pick([0x01, 0x02, 0x26, 0x0b]) };
    case 10:
      return { op: 'append', hex: r.bytes(1 + r.int(4)).toString('hex') };
    default:
      return { op: 'patch', offset: r.int(30), hex: r.bytes(1).toString('hex') };
  }
}

describe('fuzz', () => {
  test('random bytes: 10,000 inputs', () => {
    const r = new Prng(0xc0ffee);
    let errors = 0;
    for (let i = 0; i < 10_000; i++) {
      const version = r.pick(VERSIONS);
      // bias the first byte towards real packet types so parsing goes deep
      const bytes = r.bytes(1 + r.int(80));
      if (r.bool(0.7)) bytes[0] = (1 + r.int(15)) << 4;
      if (r.bool(0.5) && bytes.length > 1) bytes[1] = r.int(bytes.length);
      errors += feed(r, version, bytes).errors;
      scanPacket(bytes, version);
      checkInbound(undefined, bytes, { version, role: r.bool() ? 'server' : 'client' });
    }
    assert.ok(errors > 0);
  });

  test('mutated valid packets: 10,000 inputs, several packets per stream', () => {
    const r = new Prng(0xbadc0de);
    let packets = 0;
    for (let i = 0; i < 10_000; i++) {
      const parts: Buffer[] = [];
      const n = 1 + r.int(3);
      let version: 3 | 4 | 5 = 4;
      for (let k = 0; k < n; k++) {
        const v = r.pick(VALID);
        version = v.version;
        const ms = Array.from({ length: 1 + r.int(2) }, () => randomMutation(r));
        try {
          parts.push(mutate(decodeSafe(v.bytes, v.version) ?? ({ cmd: 'pingreq' } as Packet), v.version, ms));
        } catch (e) {
          if (!(e instanceof MutationError)) throw e;
          parts.push(v.bytes);
        }
      }
      packets += feed(r, version, Buffer.concat(parts)).packets;
    }
    assert.ok(packets > 0);
  });
});

function decodeSafe(bytes: Buffer, version: 3 | 4 | 5): Packet | undefined {
  let out: Packet | undefined;
  new Decoder(version, { packet: (p) => (out = p), error: () => {} }).push(bytes);
  // re-encoding must reproduce a frame (sanity: golden vectors are encodable)
  if (out) encode(out, version);
  return out;
}
