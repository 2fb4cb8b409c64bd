// The connect path's shortcuts produce exactly what mqtt-packet produces: CONNACK bytes, the packets
// of body-less PINGREQ / PINGRESP / DISCONNECT, and CONNECTs parsed through the shared parser, whose
// adopted settings stay with their own stream.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import mqttPacket from 'mqtt-packet';
import { Decoder, encode, type Packet, type ProtocolVersion } from './codec.ts';

const VERSIONS: ProtocolVersion[] = [3, 4, 5];

test('CONNACK bytes equal mqtt-packet for every version, session present and code', () => {
  for (const v of VERSIONS)
    for (const sessionPresent of [false, true])
      for (const code of [0, 1, 5, 0x80, 0x87, 0x9f]) {
        const packet = (
          v === 5
            ? { cmd: 'connack', sessionPresent, reasonCode: code, properties: {} }
            : { cmd: 'connack', sessionPresent, returnCode: code }
        ) as Packet;
        assert.deepEqual(
          encode(packet, v),
          mqttPacket.generate(packet, { protocolVersion: v }),
          `v${v} sp=${sessionPresent} code=${code}`,
        );
      }
  const withProps = {
    cmd: 'connack',
    reasonCode: 0,
    sessionPresent: false,
    properties: { receiveMaximum: 10 },
  };
  assert.deepEqual(
    encode(withProps as Packet, 5),
    mqttPacket.generate(withProps as Packet, { protocolVersion: 5 }),
  );
});

function decodeAll(version: ProtocolVersion, bytes: Buffer): Packet[] {
  const out: Packet[] = [];
  const d = new Decoder(version, {
    packet: (p) => out.push(p),
    error: (e) => assert.fail(e.message),
  });
  d.push(bytes);
  return out;
}

function viaMqttPacket(version: number, bytes: Buffer): Packet[] {
  const out: Packet[] = [];
  const p = mqttPacket.parser({ protocolVersion: version });
  p.on('packet', (pk: Packet) => out.push(pk));
  p.parse(bytes);
  return out;
}

test('body-less PINGREQ, PINGRESP and DISCONNECT decode as mqtt-packet does', () => {
  for (const v of VERSIONS)
    for (const hex of ['c000', 'd000', 'e000']) {
      const bytes = Buffer.from(hex, 'hex');
      assert.deepEqual({ ...decodeAll(v, bytes)[0] }, { ...viaMqttPacket(v, bytes)[0] }, `v${v} ${hex}`);
    }
});

test('streams of different versions interleaved keep their own settings on the shared parser', () => {
  const connect = (v: ProtocolVersion, id: string) =>
    encode(
      {
        cmd: 'connect',
        protocolId: v === 3 ? 'MQIsdp' : 'MQTT',
        protocolVersion: v,
        clientId: id,
        clean: true,
        keepalive: 10,
      } as Packet,
      v,
    );
  const sub = (v: ProtocolVersion) =>
    encode(
      {
        cmd: 'subscribe',
        messageId: 3,
        subscriptions: [{ topic: 'a/b', qos: 1 }],
        ...(v === 5 ? { properties: { subscriptionIdentifier: 7 } } : {}),
      } as Packet,
      v,
    );
  const got: Record<number, Packet[]> = { 3: [], 4: [], 5: [] };
  const decoders = Object.fromEntries(
    VERSIONS.map((v) => [
      v,
      new Decoder(v, { packet: (p) => got[v]!.push(p), error: (e) => assert.fail(e.message) }),
    ]),
  ) as Record<number, Decoder>;
  for (const v of VERSIONS) decoders[v]!.push(connect(v, `c${v}`));
  for (const v of [5, 4, 3, 5, 4] as ProtocolVersion[]) decoders[v]!.push(sub(v));
  assert.equal(
    (got[5]![1] as { properties?: { subscriptionIdentifier?: number } }).properties?.subscriptionIdentifier,
    7,
  );
  assert.equal((got[4]![1] as { properties?: unknown }).properties, undefined);
  for (const v of VERSIONS) {
    assert.equal(got[v]!.length, v === 3 ? 2 : 3);
    assert.deepEqual(
      { ...got[v]![1] },
      { ...viaMqttPacket(v, Buffer.concat([connect(v, `c${v}`), sub(v)]))[1] },
    );
  }
});

test('a malformed frame on one stream does not disturb another', () => {
  const good = new Decoder(4, { packet: () => {}, error: (e) => assert.fail(e.message) });
  const errors: string[] = [];
  const bad = new Decoder(4, { packet: () => {}, error: (e) => errors.push(e.message) });
  // SUBSCRIBE with reserved flags wrong (0x80 instead of 0x82)
  bad.push(Buffer.from('80060001000161' + '01', 'hex'));
  assert.equal(errors.length, 1);
  const seen: Packet[] = [];
  const again = new Decoder(4, { packet: (p) => seen.push(p), error: (e) => assert.fail(e.message) });
  again.push(
    encode({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'x', qos: 0 }] } as Packet, 4),
  );
  assert.equal(seen[0]?.cmd, 'subscribe');
  good.push(Buffer.from('c000', 'hex'));
});
