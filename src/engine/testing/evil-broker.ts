// Test helper: a misbehaving "broker" on 127.0.0.1 (garbage, silence, huge frame header, early close,
// valid CONNACK then garbage). Tests only.
import net from 'node:net';
import { encode, type Packet } from '../../protocol/codec.ts';

export type EvilMode =
  | 'garbage'
  | 'silent'
  | 'huge'
  | 'close-early'
  | 'connack-then-garbage'
  | 'connack-bad-flags'
  | 'v5-alias';

export interface EvilBroker {
  port: number;
  stop(): Promise<void>;
}

export async function startEvilBroker(mode: EvilMode): Promise<EvilBroker> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    s.once('data', () => {
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
        case 'connack-then-garbage':
          s.write(Buffer.from([0x20, 0x02, 0x00, 0x00]));
          setTimeout(() => s.write(Buffer.from('00000000', 'hex')), 20);
          break;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
