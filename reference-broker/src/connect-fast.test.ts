// The fast CONNECT reader (handlers/connect-fast.ts) yields exactly what the full path would: the
// same packet as mqtt-packet through the Decoder (fields and their order), and it only takes frames
// that the strict frame checks (validate.ts) pass. Mutated frames check the second part.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Decoder, encode, type Packet } from '../../src/protocol/codec.ts';
import { parseSimpleConnect } from './handlers/connect-fast.ts';
import { validateFrame } from './validate.ts';

function decode(frame: Buffer, version: 4 | 5): Packet | undefined {
  let out: Packet | undefined;
  const d = new Decoder(version, { packet: (p) => (out = p), error: () => {} });
  d.push(frame);
  return out;
}

function bodyStart(frame: Buffer): number {
  let i = 1;
  while (frame[i]! & 0x80) i++;
  return i + 1;
}

/** deterministic pseudo-random numbers (mulberry32) */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function frames(): Array<{ frame: Buffer; version: 4 | 5 }> {
  const out: Array<{ frame: Buffer; version: 4 | 5 }> = [];
  const ids = ['c', 'client-1', 'x'.repeat(23), 'a b~!', 'id'.repeat(200)];
  for (const version of [4, 5] as const)
    for (const clientId of ids)
      for (const clean of [true, false])
        for (const creds of [
          {},
          { username: 'u' },
          { username: 'user', password: Buffer.from([0, 1, 0xff]) },
        ])
          for (const keepalive of [0, 60, 65535])
            out.push({
              version,
              frame: encode(
                {
                  cmd: 'connect',
                  protocolId: 'MQTT',
                  protocolVersion: version,
                  clientId,
                  clean,
                  keepalive,
                  ...creds,
                } as Packet,
                version,
              ),
            });
  return out;
}

function same(fast: Packet, full: Packet | undefined, frame?: Buffer): void {
  assert.ok(full, `the full path decodes ${frame?.toString('hex')}`);
  assert.deepEqual(Object.keys(fast), Object.keys(full)); // traces print the fields in this order
  assert.deepEqual({ ...fast }, { ...full });
}

test('plain CONNECTs are read as mqtt-packet reads them', () => {
  let taken = 0;
  for (const { frame, version } of frames()) {
    const fast = parseSimpleConnect(frame, bodyStart(frame));
    if (!fast) continue;
    taken++;
    same(fast as Packet, decode(frame, version));
    assert.equal(validateFrame(frame, version), undefined);
  }
  assert.ok(taken >= 150, `only ${taken} frames took the fast path`);
});

test('the full path keeps CONNECTs with a will, properties, non-ASCII ids, MQTT 3.1 or stray bytes', () => {
  const v5 = {
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: 5,
    clientId: 'c',
    clean: true,
    keepalive: 0,
  };
  const others: Buffer[] = [
    encode({ ...v5, will: { topic: 't', payload: Buffer.from('x'), qos: 0, retain: false } } as Packet, 5),
    encode({ ...v5, properties: { sessionExpiryInterval: 10 } } as Packet, 5),
    encode({ ...v5, clientId: 'é' } as Packet, 5),
    encode({ ...v5, protocolId: 'MQIsdp', protocolVersion: 3 } as Packet, 3),
    Buffer.concat([Buffer.from([0x10, 14]), encode(v5 as Packet, 5).subarray(2), Buffer.from([0])]),
  ];
  for (const f of others) assert.equal(parseSimpleConnect(f, bodyStart(f)), undefined, f.toString('hex'));
});

test('a mutated CONNECT the fast path takes is one the full path and the strict checks accept alike', () => {
  const random = rng(7);
  const all = frames();
  let taken = 0;
  for (let n = 0; n < 20000; n++) {
    const { frame } = all[Math.floor(random() * all.length)]!;
    const m = Buffer.from(frame);
    const edits = 1 + Math.floor(random() * 3);
    const body = bodyStart(m); // the fixed header stays: the broker hands over exact frames
    for (let e = 0; e < edits; e++) {
      const at = body + Math.floor(random() * (m.length - body));
      m[at] = random() < 0.5 ? Math.floor(random() * 256) : m[at]! ^ (1 << Math.floor(random() * 8));
    }
    const fast = parseSimpleConnect(m, body);
    if (!fast) continue;
    taken++;
    const v = fast.protocolVersion as 4 | 5;
    same(fast as Packet, decode(m, v), m);
    assert.equal(validateFrame(m, v), undefined, m.toString('hex'));
  }
  assert.ok(taken > 1000, `only ${taken} mutated frames took the fast path`);
});
