import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Packet } from 'mqtt-packet';
import { Decoder, encode, type ProtocolVersion } from './codec.ts';
import { PACKET_TYPES } from './constants.ts';
import { GOLDEN_VECTORS } from './golden-vectors.ts';
import { hexToBytes } from './raw.ts';

/** Plain-object copy: drops mqtt-packet's null topic/payload defaults, flattens null prototypes. */
function normalize(v: unknown): unknown {
  if (Buffer.isBuffer(v) || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(normalize);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if ((k === 'topic' || k === 'payload') && x === null) continue;
    out[k] = normalize(x);
  }
  return out;
}

function decodeOne(bytes: Buffer, version: ProtocolVersion, fastPublish = true): Packet {
  const got: Packet[] = [];
  const d = new Decoder(
    version,
    {
      packet: (p) => got.push(p),
      error: (e) => assert.fail(`decode error: ${e.message}`),
    },
    { fastPublish },
  );
  // byte-by-byte as well as whole: framing must not depend on chunking
  for (const b of bytes) d.push(Buffer.from([b]));
  assert.equal(got.length, 1, 'exactly one packet');
  return got[0]!;
}

function expected(v: (typeof GOLDEN_VECTORS)[number], bytes: Buffer): unknown {
  let h = 1;
  while (bytes[h]! & 0x80) h++;
  const flags = bytes[0]! & 0x0f;
  return normalize({
    retain: (flags & 1) === 1,
    qos: (flags >> 1) & 3,
    dup: (flags & 8) === 8,
    length: bytes.length - h - 1,
    ...v.packet,
  });
}

describe('golden vectors', () => {
  test('cover every packet type of 3.1.1 and 5.0 and a 3.1 CONNECT', () => {
    const types = (ver: number) =>
      new Set(GOLDEN_VECTORS.filter((v) => v.version === ver).map((v) => v.packet.cmd));
    const all: string[] = PACKET_TYPES.filter((t) => t !== 'reserved' && t !== 'auth');
    assert.deepEqual([...types(4)].sort(), [...all].sort());
    assert.deepEqual([...types(5)].sort(), [...all, 'auth'].sort());
    assert.ok(types(3).has('connect'));
  });

  for (const v of GOLDEN_VECTORS) {
    describe(v.name, () => {
      const bytes = hexToBytes(v.hex);
      test('parse', () => {
        assert.deepStrictEqual(normalize(decodeOne(bytes, v.version)), expected(v, bytes));
        if (v.packet.cmd === 'publish') {
          assert.deepStrictEqual(
            normalize(decodeOne(bytes, v.version, false)),
            expected(v, bytes),
            'slow path',
          );
        }
      });
      if (v.generate !== false) {
        test('generate', () => {
          assert.equal(
            encode(v.packet as unknown as Packet, v.version).toString('hex'),
            bytes.toString('hex'),
          );
        });
        test('round trip', () => {
          const again = encode(decodeOne(bytes, v.version), v.version);
          assert.equal(again.toString('hex'), bytes.toString('hex'));
        });
      }
    });
  }
});
