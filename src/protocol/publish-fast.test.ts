import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import mqttPacket, { type IPublishPacket, type Packet } from 'mqtt-packet';
import { Decoder, encode, encodePublishTemplate, type ProtocolVersion } from './codec.ts';
import { Prng } from './testing/prng.ts';

/** Decodes a byte stream with our Decoder; returns packets and the error message if any. */
function decodeAll(bytes: Buffer, version: ProtocolVersion, fastPublish: boolean) {
  const packets: Packet[] = [];
  let error: string | undefined;
  const d = new Decoder(
    version,
    {
      packet: (p) => packets.push(p),
      error: (e) => {
        error = `${e.kind}: ${e.message}`;
      },
    },
    { fastPublish },
  );
  d.push(bytes);
  return { packets, error };
}

/** mqtt-packet's own parser on the same bytes. */
function mqttParse(bytes: Buffer, version: ProtocolVersion): Packet[] {
  const out: Packet[] = [];
  const p = mqttPacket.parser({ protocolVersion: version });
  p.on('packet', (pk: Packet) => out.push(pk));
  p.on('error', (e: Error) => {
    throw e;
  });
  p.parse(bytes);
  return out;
}

function randomPublish(r: Prng, version: ProtocolVersion): IPublishPacket {
  const qos = r.pick([0, 1, 2] as const);
  const pk: IPublishPacket = {
    cmd: 'publish',
    topic: r.str(12) || 't',
    qos,
    retain: r.bool(),
    dup: r.bool(),
    payload: r.bytes(r.int(r.bool(0.1) ? 300 : 40)),
  };
  if (qos > 0) pk.messageId = 1 + r.int(65535);
  if (version === 5 && r.bool(0.7)) {
    const props: NonNullable<IPublishPacket['properties']> = {};
    if (r.bool()) props.payloadFormatIndicator = r.bool();
    if (r.bool()) props.messageExpiryInterval = r.int(2 ** 32);
    if (r.bool()) props.contentType = r.str(8);
    if (r.bool()) props.responseTopic = r.str(8) || 'r';
    if (r.bool()) props.correlationData = r.bytes(r.int(10));
    if (r.bool()) props.topicAlias = 1 + r.int(65535);
    if (r.bool(0.3)) {
      props.subscriptionIdentifier = r.bool()
        ? 1 + r.int(268_435_455)
        : [1 + r.int(100), 1 + r.int(1_000_000)];
    }
    if (r.bool()) {
      const up: Record<string, string | string[]> = {};
      const n = 1 + r.int(3);
      for (let i = 0; i < n; i++) up[r.str(4) || 'k'] = r.bool() ? r.str(6) || 'v' : ['a', r.str(5) || 'b'];
      props.userProperties = up;
    }
    pk.properties = props;
  }
  return pk;
}

describe('PUBLISH fast path', () => {
  for (const version of [3, 4, 5] as const) {
    test(`v${version}: decode equals mqtt-packet for 3000 random valid PUBLISH packets`, () => {
      const r = new Prng(1000 + version);
      for (let i = 0; i < 3000; i++) {
        const pk = randomPublish(r, version);
        const bytes = mqttPacket.generate(pk, { protocolVersion: version });
        const ours = decodeAll(bytes, version, true);
        assert.equal(ours.error, undefined);
        assert.deepStrictEqual(ours.packets, mqttParse(bytes, version), `packet ${i}`);
      }
    });

    test(`v${version}: encode is byte-identical to mqtt-packet generate`, () => {
      const r = new Prng(2000 + version);
      for (let i = 0; i < 3000; i++) {
        const pk = randomPublish(r, version);
        if (r.bool(0.3)) pk.payload = r.str(20);
        if (version === 5 && r.bool(0.1)) pk.properties = {};
        assert.deepEqual(
          encode(pk, version),
          mqttPacket.generate(pk, { protocolVersion: version }),
          `packet ${i}`,
        );
      }
    });

    test(`v${version}: fast and slow decoders agree on mutated PUBLISH bytes`, () => {
      const r = new Prng(3000 + version);
      for (let i = 0; i < 3000; i++) {
        const bytes = Buffer.from(
          mqttPacket.generate(randomPublish(r, version), { protocolVersion: version }),
        );
        const flips = 1 + r.int(3);
        for (let k = 0; k < flips; k++) {
          // keep the fixed header's type nibble: mutate flags and body
          const at = r.int(bytes.length);
          bytes[at] = at === 0 ? 0x30 | r.int(16) : r.int(256);
        }
        const fast = decodeAll(bytes, version, true);
        const slow = decodeAll(bytes, version, false);
        assert.deepStrictEqual(fast, slow, `input ${i}: ${bytes.toString('hex')}`);
      }
    });
  }

  test('acks: encode is byte-identical to mqtt-packet generate', () => {
    const r = new Prng(77);
    const cmds = ['puback', 'pubrec', 'pubrel', 'pubcomp'] as const;
    const codes = [0, 0x10, 0x80, 0x92, 0x87];
    for (let i = 0; i < 2000; i++) {
      const version = r.pick([3, 4, 5] as const);
      const pk = {
        cmd: r.pick(cmds),
        messageId: r.int(65536),
        reasonCode: r.pick(codes),
        dup: r.bool(0.1),
      } as Packet;
      if (version === 5 && r.bool(0.2)) (pk as { properties?: unknown }).properties = { reasonString: 'x' };
      const outcome = (f: () => Buffer) => {
        try {
          return f().toString('hex');
        } catch (e) {
          return `throws ${(e as Error).name}`;
        }
      };
      assert.equal(
        outcome(() => encode(pk, version)),
        outcome(() => mqttPacket.generate(pk, { protocolVersion: version })),
        JSON.stringify(pk),
      );
    }
  });

  test('a v4 server decoder follows a v5 CONNECT like mqtt-packet does', () => {
    const connect = mqttPacket.generate(
      { cmd: 'connect', protocolId: 'MQTT', protocolVersion: 5, clientId: 'c', clean: true, keepalive: 0 },
      { protocolVersion: 5 },
    );
    const pub = mqttPacket.generate(
      {
        cmd: 'publish',
        topic: 'a',
        qos: 1,
        messageId: 3,
        retain: false,
        dup: false,
        payload: Buffer.from('x'),
      },
      { protocolVersion: 5 },
    );
    const bytes = Buffer.concat([connect, pub]);
    assert.deepStrictEqual(decodeAll(bytes, 4, true), decodeAll(bytes, 4, false));
    assert.equal(decodeAll(bytes, 4, true).packets[1]?.cmd, 'publish');
  });

  test('publish template: offsets, packet id and dup patching', () => {
    for (const version of [4, 5] as const) {
      const t = encodePublishTemplate(
        {
          topic: 'load/1',
          qos: 1,
          payloadSize: 16,
          messageId: 1,
          properties: version === 5 ? { topicAlias: 2 } : {},
        },
        version,
      );
      t.buffer.writeUInt32BE(0xdeadbeef, t.payloadOffset);
      t.setPacketId(0x1234);
      t.setDup(true);
      const { packets } = decodeAll(t.buffer, version, true);
      const p = packets[0] as IPublishPacket;
      assert.equal(p.messageId, 0x1234);
      assert.equal(p.dup, true);
      assert.equal((p.payload as Buffer).readUInt32BE(0), 0xdeadbeef);
      assert.equal(p.payload.length, 16);
    }
    const q0 = encodePublishTemplate({ topic: 'x', payloadSize: 2 }, 4);
    assert.equal(q0.packetIdOffset, -1);
    assert.throws(() => q0.setPacketId(1));
  });
});
