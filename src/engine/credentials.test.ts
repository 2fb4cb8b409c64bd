// The profile's credentials on raw CONNECTs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Decoder, type Packet } from '../protocol/codec.ts';
import { hexToBytes } from '../protocol/raw.ts';
import { withCredentials } from './credentials.ts';

function decodeAll(bytes: Buffer, version: 4 | 5): Packet[] {
  const out: Packet[] = [];
  const d = new Decoder(version, { packet: (p) => out.push(p), error: (e) => assert.fail(String(e)) });
  d.push(bytes);
  return out;
}

test('a whole 5.0 CONNECT (followed by a PINGREQ) gets user name and password, the rest stays', () => {
  const raw = hexToBytes('10 12 00 04 4d 51 54 54 05 00 00 00 05 11 00 00 00 01 00 00 c0 00');
  const out = withCredentials(raw, 'crucible', 'crucible-pass');
  assert.ok(out);
  const [connect, ping] = decodeAll(out, 5) as [
    Packet & { username?: string; password?: Buffer; clean?: boolean },
    Packet,
  ];
  assert.equal(connect.username, 'crucible');
  assert.equal(connect.password?.toString(), 'crucible-pass');
  assert.equal(connect.clean, false);
  assert.equal(ping.cmd, 'pingreq');
});

test('a 3.1.1 CONNECT with a will keeps its will and gains the credentials', () => {
  // flags 0x06: clean session + will QoS 0; client id "a", will topic "w", will message "m"
  const raw = hexToBytes('10 13 00 04 4d 51 54 54 04 06 00 1e 00 01 61 00 01 77 00 01 6d');
  const out = withCredentials(raw, 'u', undefined);
  assert.ok(out);
  const [c] = decodeAll(out, 4) as [Packet & { username?: string; will?: { topic: string } }];
  assert.equal(c.username, 'u');
  assert.equal(c.will?.topic, 'w');
});

test('CONNECTs that name a user, are cut short, or carry more than their flags say are left alone', () => {
  assert.equal(
    withCredentials(hexToBytes('10 0f 00 04 4d 51 54 54 04 82 00 1e 00 01 61 00 01 75'), 'u', 'p'),
    undefined,
  );
  assert.equal(
    withCredentials(hexToBytes('10 0d 00 04 4d 51 54 54 04 02 00 1e 00 05 61'), 'u', 'p'),
    undefined,
  );
  assert.equal(
    withCredentials(hexToBytes('10 0e 00 04 4d 51 54 54 04 02 00 1e 00 01 61 ff'), 'u', 'p'),
    undefined,
  );
  assert.equal(withCredentials(hexToBytes('30 03 00 01 61'), 'u', 'p'), undefined);
});
