// Test helper: a misbehaving "broker" on 127.0.0.1 (garbage, silence, huge frame header, early close,
// valid CONNACK then garbage). Tests only.
import type net from 'node:net';
import { encode, type Packet } from '../../protocol/codec.ts';
import { type ScriptedServer, startScriptedServer } from './scripted-server.ts';

export type EvilMode =
  | 'garbage'
  | 'silent'
  | 'huge'
  | 'close-early'
  | 'connack-then-garbage'
  | 'connack-bad-flags'
  | 'v5-alias'
  | 'flood'
  | 'truncated-close'
  | 'suback-then-long-length'
  | 'suback-then-huge';

export type EvilBroker = ScriptedServer;

const FLOOD_FRAME = Buffer.concat([
  Buffer.from([0x30, 0x85, 0x08, 0x00, 0x03]),
  Buffer.from('f/x'),
  Buffer.alloc(1024, 0x7a),
]);

function floodUntilClosed(s: net.Socket): void {
  const burst = Buffer.concat(Array.from({ length: 64 }, () => FLOOD_FRAME));
  const pump = (): void => {
    while (!s.destroyed && s.write(burst)) {}
    if (!s.destroyed) s.once('drain', pump);
  };
  pump();
}

function answerThenEvil(
  s: net.Socket,
  mode: 'suback-then-long-length' | 'suback-then-huge',
  first: Buffer,
): void {
  let acked = false;
  const onData = (d: Buffer): void => {
    // the first chunk holds CONNECT; SUBSCRIBE follows (0x82 ...): answer each once
    if (!acked && d[0] === 0x10) s.write(Buffer.from([0x20, 0x02, 0x00, 0x00]));
    // a SUBSCRIBE is its own write from the load client: its chunk starts with 0x82 (0x82 can also occur
    // inside a publisher's PUBLISH payload, which must not be taken for one)
    const sub = d[0] === 0x82 ? 0 : -1;
    if (!acked && sub >= 0 && d.length >= sub + 4) {
      acked = true;
      const id = d.readUInt16BE(sub + 2);
      s.write(Buffer.from([0x90, 0x03, id >> 8, id & 0xff, 0x00]));
      s.write(
        mode === 'suback-then-huge'
          ? Buffer.from([0x30, 0x80, 0x80, 0xd0, 0x5f, 0x00])
          : Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]),
      );
    }
  };
  onData(first);
  s.on('data', onData);
}

export function startEvilBroker(mode: EvilMode): Promise<EvilBroker> {
  return startScriptedServer((s, first) => {
    switch (mode) {
      case 'garbage':
        s.write(Buffer.from('ffffffffff0102', 'hex'));
        break;
      case 'silent':
        break;
      case 'huge':
        // PUBLISH announcing a 268 MB remaining length, then a trickle of bytes
        s.write(Buffer.from([0x30, 0xff, 0xff, 0xff, 0x7f, 0x00, 0x01, 0x61]));
        break;
      case 'close-early':
        s.destroy();
        break;
      case 'connack-bad-flags':
        // CONNACK with reserved fixed-header flags set (must be 0)
        s.write(Buffer.from([0x22, 0x02, 0x00, 0x00]));
        break;
      case 'v5-alias':
        // MQTT 5: CONNACK, then PUBLISH a/b with Topic Alias 1, then PUBLISH "" with alias 1
        s.write(encode({ cmd: 'connack', sessionPresent: false, reasonCode: 0 } as Packet, 5));
        s.write(
          encode(
            {
              cmd: 'publish',
              topic: 'a/b',
              payload: Buffer.from('x'),
              qos: 0,
              dup: false,
              retain: false,
              properties: { topicAlias: 1 },
            } as Packet,
            5,
          ),
        );
        s.write(
          encode(
            {
              cmd: 'publish',
              topic: '',
              payload: Buffer.from('y'),
              qos: 0,
              dup: false,
              retain: false,
              properties: { topicAlias: 1 },
            } as Packet,
            5,
          ),
        );
        break;
      case 'flood':
        // CONNACK, then unsolicited QoS 0 PUBLISH packets of 1 KiB as fast as the socket takes them
        s.write(Buffer.from([0x20, 0x02, 0x00, 0x00]));
        floodUntilClosed(s);
        break;
      case 'truncated-close':
        // CONNACK, then the first 6 bytes of a 20-byte PUBLISH, then FIN
        s.write(Buffer.from([0x20, 0x02, 0x00, 0x00]));
        s.end(Buffer.from([0x30, 0x12, 0x00, 0x03, 0x61, 0x2f]));
        break;
      case 'suback-then-long-length':
      case 'suback-then-huge':
        // answers CONNACK and SUBACK like a broker, then sends a frame the client must refuse:
        // a Remaining Length with a fifth continuation byte, or one announcing 200 MB
        answerThenEvil(s, mode, first);
        return;
      case 'connack-then-garbage':
        s.write(Buffer.from([0x20, 0x02, 0x00, 0x00]));
        setTimeout(() => s.write(Buffer.from('00000000', 'hex')), 20);
        break;
    }
  });
}
