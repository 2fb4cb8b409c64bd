// Golden byte vectors of MQTT 3.1 and 3.1.1 (conventions in golden-vector.ts).
import { b, type GoldenVector } from './golden-vector.ts';

export const GOLDEN_V3_V4: GoldenVector[] = [
  // ------------------------------------------------------------------ MQTT 3.1 (MQIsdp) --------
  {
    name: 'v3 CONNECT MQIsdp',
    version: 3,
    hex: `10 11                 # CONNECT, remaining length 17
          00 06 4d 51 49 73 64 70  # protocol name "MQIsdp"
          03                    # protocol level 3
          02                    # connect flags: clean session
          00 1e                 # keep alive 30 s
          00 03 63 33 31        # client id "c31"`,
    packet: {
      cmd: 'connect',
      protocolId: 'MQIsdp',
      protocolVersion: 3,
      clean: true,
      keepalive: 30,
      clientId: 'c31',
    },
  },
  // ------------------------------------------------------------------ MQTT 3.1.1 ---------------
  {
    name: 'v4 CONNECT minimal',
    version: 4,
    hex: `10 0e                 # CONNECT, remaining length 14
          00 04 4d 51 54 54     # "MQTT"
          04                    # level 4
          02                    # flags: clean session
          00 3c                 # keep alive 60
          00 02 63 31           # client id "c1"`,
    packet: {
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 4,
      clean: true,
      keepalive: 60,
      clientId: 'c1',
    },
  },
  {
    name: 'v4 CONNECT with will and credentials',
    version: 4,
    hex: `10 20                 # CONNECT, remaining length 32
          00 04 4d 51 54 54 04  # "MQTT", level 4
          ec                    # flags: user 80 | password 40 | will retain 20 | will QoS 1 (08) | will 04
          00 0a                 # keep alive 10
          00 03 63 69 64        # client id "cid"
          00 03 77 2f 74        # will topic "w/t"
          00 03 62 79 65        # will message "bye"
          00 01 75              # user name "u"
          00 02 70 77           # password "pw"`,
    packet: {
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 4,
      will: { retain: true, qos: 1, topic: 'w/t', payload: b('bye') },
      clean: false,
      keepalive: 10,
      clientId: 'cid',
      username: 'u',
      password: b('pw'),
    },
  },
  {
    name: 'v4 CONNACK accepted',
    version: 4,
    hex: '20 02  00  00   # CONNACK, len 2, session present 0, return code 0',
    packet: { cmd: 'connack', sessionPresent: false, returnCode: 0 },
  },
  {
    name: 'v4 CONNACK session present',
    version: 4,
    hex: '20 02  01  00   # session present 1, accepted',
    packet: { cmd: 'connack', sessionPresent: true, returnCode: 0 },
  },
  {
    name: 'v4 CONNACK not authorized',
    version: 4,
    hex: '20 02  00  05   # return code 5: not authorized',
    packet: { cmd: 'connack', sessionPresent: false, returnCode: 5 },
  },
  {
    name: 'v4 PUBLISH QoS 0',
    version: 4,
    hex: `30 07                 # PUBLISH, QoS 0, remaining length 7
          00 03 61 2f 62        # topic "a/b"
          68 69                 # payload "hi"`,
    packet: { cmd: 'publish', topic: 'a/b', payload: b('hi') },
  },
  {
    name: 'v4 PUBLISH QoS 1 retain',
    version: 4,
    hex: `33 09                 # PUBLISH, QoS 1 (02) | RETAIN (01)
          00 03 61 2f 62        # topic "a/b"
          00 0a                 # packet id 10
          68 69                 # payload "hi"`,
    packet: { cmd: 'publish', retain: true, qos: 1, topic: 'a/b', messageId: 10, payload: b('hi') },
  },
  {
    name: 'v4 PUBLISH QoS 2 dup',
    version: 4,
    hex: `3c 0a                 # PUBLISH, DUP (08) | QoS 2 (04)
          00 03 61 2f 62        # topic "a/b"
          ff fe                 # packet id 65534
          68 69 21              # payload "hi!"`,
    packet: { cmd: 'publish', dup: true, qos: 2, topic: 'a/b', messageId: 65534, payload: b('hi!') },
  },
  {
    name: 'v4 PUBLISH empty payload, multi-byte UTF-8 topic',
    version: 4,
    hex: `30 07                 # PUBLISH QoS 0, remaining length 7
          00 05 c3 a9 e2 82 ac  # topic "é€" (2 + 3 bytes)`,
    packet: { cmd: 'publish', topic: 'é€', payload: b('') },
  },
  {
    name: 'v4 PUBLISH with two-byte remaining length',
    version: 4,
    hex: `30 cb 01              # PUBLISH, remaining length 203 = 0x4b + 1*128
          00 01 74              # topic "t"
          ${'00 '.repeat(200)}  # 200 zero bytes of payload`,
    packet: { cmd: 'publish', topic: 't', payload: Buffer.alloc(200) },
  },
  {
    name: 'v4 PUBACK',
    version: 4,
    hex: '40 02 00 0a  # PUBACK, packet id 10',
    packet: { cmd: 'puback', messageId: 10 },
  },
  {
    name: 'v4 PUBREC',
    version: 4,
    hex: '50 02 00 0b  # PUBREC, packet id 11',
    packet: { cmd: 'pubrec', messageId: 11 },
  },
  {
    name: 'v4 PUBREL',
    version: 4,
    hex: '62 02 00 0b  # PUBREL (flags 0010), packet id 11',
    packet: { cmd: 'pubrel', messageId: 11 },
  },
  {
    name: 'v4 PUBCOMP',
    version: 4,
    hex: '70 02 00 0b  # PUBCOMP, id 11',
    packet: { cmd: 'pubcomp', messageId: 11 },
  },
  {
    name: 'v4 SUBSCRIBE two filters',
    version: 4,
    hex: `82 0c                 # SUBSCRIBE (flags 0010), remaining length 12
          00 01                 # packet id 1
          00 03 61 2f 2b  01    # "a/+" QoS 1
          00 01 23        00    # "#"   QoS 0`,
    packet: {
      cmd: 'subscribe',
      messageId: 1,
      subscriptions: [
        { topic: 'a/+', qos: 1 },
        { topic: '#', qos: 0 },
      ],
    },
  },
  {
    name: 'v4 SUBACK',
    version: 4,
    hex: '90 05  00 01  01 00 80   # SUBACK id 1: granted 1, granted 0, failure',
    packet: { cmd: 'suback', messageId: 1, granted: [1, 0, 128] },
  },
  {
    name: 'v4 UNSUBSCRIBE',
    version: 4,
    hex: `a2 07                 # UNSUBSCRIBE (flags 0010)
          00 02                 # packet id 2
          00 03 61 2f 2b        # "a/+"`,
    packet: { cmd: 'unsubscribe', messageId: 2, unsubscriptions: ['a/+'] },
  },
  {
    name: 'v4 UNSUBACK',
    version: 4,
    hex: 'b0 02 00 02  # UNSUBACK id 2',
    packet: { cmd: 'unsuback', messageId: 2 },
  },
  { name: 'v4 PINGREQ', version: 4, hex: 'c0 00', packet: { cmd: 'pingreq' } },
  { name: 'v4 PINGRESP', version: 4, hex: 'd0 00', packet: { cmd: 'pingresp' } },
  { name: 'v4 DISCONNECT', version: 4, hex: 'e0 00', packet: { cmd: 'disconnect' } },
];
