// Golden byte vectors: hand-derived from the MQTT 3.1, 3.1.1 and 5.0 specifications (not generated
// by mqtt-packet), commented field by field. `packet` is what mqtt-packet's parser yields, minus
// the defaults golden.test.ts fills in (retain/qos/dup from the fixed header, length, null
// topic/payload). generate: false = parse-only (a legal encoding mqtt-packet would write differently).

export interface GoldenVector {
  name: string;
  version: 3 | 4 | 5;
  hex: string;
  packet: Record<string, unknown>;
  generate?: boolean;
}

const b = (s: string | number[]) => (typeof s === 'string' ? Buffer.from(s, 'utf8') : Buffer.from(s));

export const GOLDEN_VECTORS: GoldenVector[] = [
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
  // ------------------------------------------------------------------ MQTT 5.0 -----------------
  {
    name: 'v5 CONNECT minimal',
    version: 5,
    hex: `10 0f                 # CONNECT, remaining length 15
          00 04 4d 51 54 54 05  # "MQTT", level 5
          02                    # flags: clean start
          00 3c                 # keep alive 60
          00                    # property length 0
          00 02 63 31           # client id "c1"`,
    packet: {
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 5,
      clean: true,
      keepalive: 60,
      clientId: 'c1',
    },
  },
  {
    name: 'v5 CONNECT with properties, will properties and credentials',
    version: 5,
    hex: `10 52                 # CONNECT, remaining length 82
          00 04 4d 51 54 54 05  # "MQTT", level 5
          d6                    # flags: user 80 | password 40 | will QoS 2 (10) | will 04 | clean 02
          00 3c                 # keep alive 60
          16                    # property length 22
            11 00 00 0e 10      #   Session Expiry Interval 3600
            21 00 14            #   Receive Maximum 20
            22 00 0a            #   Topic Alias Maximum 10
            19 01               #   Request Response Information 1
            17 00               #   Request Problem Information 0
            26 00 01 61 00 01 62  # User Property a=b
          00 02 63 35           # client id "c5"
          20                    # will property length 32
            18 00 00 00 05      #   Will Delay Interval 5
            01 01               #   Payload Format Indicator 1
            02 00 00 01 2c      #   Message Expiry Interval 300
            03 00 01 74         #   Content Type "t"
            08 00 01 72         #   Response Topic "r"
            09 00 02 01 02      #   Correlation Data 01 02
            26 00 01 6b 00 01 76  # User Property k=v
          00 01 77              # will topic "w"
          00 01 78              # will payload "x"
          00 01 75              # user name "u"
          00 01 70              # password "p"`,
    packet: {
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 5,
      will: {
        retain: false,
        qos: 2,
        properties: {
          willDelayInterval: 5,
          payloadFormatIndicator: true,
          messageExpiryInterval: 300,
          contentType: 't',
          responseTopic: 'r',
          correlationData: b([1, 2]),
          userProperties: { k: 'v' },
        },
        topic: 'w',
        payload: b('x'),
      },
      clean: true,
      keepalive: 60,
      properties: {
        sessionExpiryInterval: 3600,
        receiveMaximum: 20,
        topicAliasMaximum: 10,
        requestResponseInformation: true,
        requestProblemInformation: false,
        userProperties: { a: 'b' },
      },
      clientId: 'c5',
      username: 'u',
      password: b('p'),
    },
  },
  {
    name: 'v5 CONNACK success with properties',
    version: 5,
    hex: `20 1b                 # CONNACK, remaining length 27
          00                    # acknowledge flags: session present 0
          00                    # reason code 0x00 Success
          18                    # property length 24
            21 00 0a            #   Receive Maximum 10
            24 01               #   Maximum QoS 1
            25 00               #   Retain Available 0
            22 00 05            #   Topic Alias Maximum 5
            12 00 02 69 64      #   Assigned Client Identifier "id"
            13 00 1e            #   Server Keep Alive 30
            28 01               #   Wildcard Subscription Available 1
            29 01               #   Subscription Identifier Available 1
            2a 00               #   Shared Subscription Available 0`,
    packet: {
      cmd: 'connack',
      sessionPresent: false,
      reasonCode: 0,
      properties: {
        receiveMaximum: 10,
        maximumQoS: 1,
        retainAvailable: false,
        topicAliasMaximum: 5,
        assignedClientIdentifier: 'id',
        serverKeepAlive: 30,
        wildcardSubscriptionAvailable: true,
        subscriptionIdentifiersAvailable: true,
        sharedSubscriptionAvailable: false,
      },
    },
  },
  {
    name: 'v5 CONNACK session present',
    version: 5,
    hex: '20 03  01  00  00   # session present 1, Success, no properties',
    packet: { cmd: 'connack', sessionPresent: true, reasonCode: 0 },
  },
  {
    name: 'v5 CONNACK not authorized',
    version: 5,
    hex: '20 03  00  87  00   # reason 0x87 Not authorized, property length 0',
    packet: { cmd: 'connack', sessionPresent: false, reasonCode: 0x87 },
  },
  {
    name: 'v5 PUBLISH QoS 0 no properties',
    version: 5,
    hex: `30 08                 # PUBLISH QoS 0, remaining length 8
          00 03 61 2f 62        # topic "a/b"
          00                    # property length 0
          68 69                 # payload "hi"`,
    packet: { cmd: 'publish', topic: 'a/b', payload: b('hi') },
  },
  {
    name: 'v5 PUBLISH QoS 1 with properties',
    version: 5,
    hex: `32 2d                 # PUBLISH QoS 1, remaining length 45
          00 03 61 2f 62        # topic "a/b"
          00 01                 # packet id 1
          23                    # property length 35
            01 01               #   Payload Format Indicator 1 (UTF-8)
            02 00 00 00 3c      #   Message Expiry Interval 60
            23 00 02            #   Topic Alias 2
            08 00 03 72 2f 31   #   Response Topic "r/1"
            09 00 02 61 62      #   Correlation Data "ab"
            26 00 01 6b 00 01 76  # User Property k=v
            0b ac 02            #   Subscription Identifier 300 (VBI: 0x2c|0x80, 0x02)
            03 00 01 63         #   Content Type "c"
          68 69                 # payload "hi"`,
    packet: {
      cmd: 'publish',
      qos: 1,
      topic: 'a/b',
      messageId: 1,
      properties: {
        payloadFormatIndicator: true,
        messageExpiryInterval: 60,
        topicAlias: 2,
        responseTopic: 'r/1',
        correlationData: b('ab'),
        userProperties: { k: 'v' },
        subscriptionIdentifier: 300,
        contentType: 'c',
      },
      payload: b('hi'),
    },
  },
  {
    name: 'v5 PUBLISH QoS 2 dup retain, repeated user property, empty payload',
    version: 5,
    hex: `3d 14                 # PUBLISH DUP|QoS 2|RETAIN, remaining length 20
          00 01 78              # topic "x"
          01 02                 # packet id 258
          0e                    # property length 14
            26 00 01 61 00 01 31  # User Property a=1
            26 00 01 61 00 01 32  # User Property a=2 (same name again)`,
    packet: {
      cmd: 'publish',
      dup: true,
      qos: 2,
      retain: true,
      topic: 'x',
      messageId: 258,
      properties: { userProperties: { a: ['1', '2'] } },
      payload: b(''),
    },
  },
  {
    name: 'v5 PUBACK short form',
    version: 5,
    hex: '40 02  00 05   # PUBACK id 5, reason code omitted = Success',
    packet: { cmd: 'puback', messageId: 5, reasonCode: 0 },
  },
  {
    name: 'v5 PUBACK with reason and properties',
    version: 5,
    hex: `40 0a  00 05         # PUBACK id 5
          10                   # reason 0x10 No matching subscribers
          06 1f 00 03 6e 6f 73 # properties: Reason String "nos"`,
    packet: { cmd: 'puback', messageId: 5, reasonCode: 0x10, properties: { reasonString: 'nos' } },
  },
  {
    name: 'v5 PUBACK reason without property length',
    version: 5,
    hex: '40 03  00 05  10   # remaining length 3: property length may be omitted',
    packet: { cmd: 'puback', messageId: 5, reasonCode: 0x10 },
    generate: false,
  },
  {
    name: 'v5 PUBREC error reason',
    version: 5,
    hex: '50 04  00 06  80  00   # PUBREC id 6, 0x80 Unspecified error, property length 0',
    packet: { cmd: 'pubrec', messageId: 6, reasonCode: 0x80 },
  },
  {
    name: 'v5 PUBREC short form',
    version: 5,
    hex: '50 02  00 06',
    packet: { cmd: 'pubrec', messageId: 6, reasonCode: 0 },
  },
  {
    name: 'v5 PUBREL short form',
    version: 5,
    hex: '62 02  00 07   # PUBREL id 7',
    packet: { cmd: 'pubrel', messageId: 7, reasonCode: 0 },
  },
  {
    name: 'v5 PUBREL packet identifier not found',
    version: 5,
    hex: '62 04  00 07  92  00   # reason 0x92, property length 0',
    packet: { cmd: 'pubrel', messageId: 7, reasonCode: 0x92 },
  },
  {
    name: 'v5 PUBCOMP short form',
    version: 5,
    hex: '70 02  00 07',
    packet: { cmd: 'pubcomp', messageId: 7, reasonCode: 0 },
  },
  {
    name: 'v5 PUBCOMP with properties',
    version: 5,
    hex: `70 0b  00 07         # PUBCOMP id 7
          00                   # reason Success
          07 26 00 01 61 00 01 62  # properties: User Property a=b`,
    packet: { cmd: 'pubcomp', messageId: 7, reasonCode: 0, properties: { userProperties: { a: 'b' } } },
  },
  {
    name: 'v5 SUBSCRIBE with options and subscription identifier',
    version: 5,
    hex: `82 18                 # SUBSCRIBE, remaining length 24
          00 0a                 # packet id 10
          02 0b 05              # properties: Subscription Identifier 5
          00 03 61 2f 23  1d    # "a/#": QoS 1 | No Local 04 | RAP 08 | Retain Handling 1 (10)
          00 0a 24 73 68 61 72 65 2f 67 2f 74  22  # "$share/g/t": QoS 2 | Retain Handling 2 (20)`,
    packet: {
      cmd: 'subscribe',
      messageId: 10,
      properties: { subscriptionIdentifier: 5 },
      subscriptions: [
        { topic: 'a/#', qos: 1, nl: true, rap: true, rh: 1 },
        { topic: '$share/g/t', qos: 2, nl: false, rap: false, rh: 2 },
      ],
    },
  },
  {
    name: 'v5 SUBACK',
    version: 5,
    hex: `90 0c  00 0a         # SUBACK id 10
          05 1f 00 02 6f 6b    # properties: Reason String "ok"
          01 02 8f a2          # granted 1, granted 2, Topic Filter invalid, Wildcards not supported`,
    packet: { cmd: 'suback', messageId: 10, properties: { reasonString: 'ok' }, granted: [1, 2, 0x8f, 0xa2] },
  },
  {
    name: 'v5 UNSUBSCRIBE',
    version: 5,
    hex: `a2 12  00 0b         # UNSUBSCRIBE id 11, remaining length 18
          07 26 00 01 61 00 01 62  # properties: User Property a=b
          00 03 61 2f 23       # "a/#"
          00 01 62             # "b"`,
    packet: {
      cmd: 'unsubscribe',
      messageId: 11,
      properties: { userProperties: { a: 'b' } },
      unsubscriptions: ['a/#', 'b'],
    },
  },
  {
    name: 'v5 UNSUBACK',
    version: 5,
    hex: 'b0 05  00 0b  00  00 11   # UNSUBACK id 11, no properties, Success, No subscription existed',
    packet: { cmd: 'unsuback', messageId: 11, granted: [0, 0x11] },
  },
  { name: 'v5 PINGREQ', version: 5, hex: 'c0 00', packet: { cmd: 'pingreq' } },
  { name: 'v5 PINGRESP', version: 5, hex: 'd0 00', packet: { cmd: 'pingresp' } },
  {
    name: 'v5 DISCONNECT normal',
    version: 5,
    hex: 'e0 02  00  00   # Normal disconnection, property length 0',
    packet: { cmd: 'disconnect', reasonCode: 0 },
  },
  {
    name: 'v5 DISCONNECT short form',
    version: 5,
    hex: 'e0 00   # remaining length 0 = Normal disconnection',
    packet: { cmd: 'disconnect', reasonCode: 0 },
    generate: false,
  },
  {
    name: 'v5 DISCONNECT server shutting down with properties',
    version: 5,
    hex: `e0 0c                 # DISCONNECT, remaining length 12
          8b                    # reason 0x8B Server shutting down
          0a                    # property length 10
            1f 00 03 62 79 65   #   Reason String "bye"
            1c 00 01 68         #   Server Reference "h"`,
    packet: {
      cmd: 'disconnect',
      reasonCode: 0x8b,
      properties: { reasonString: 'bye', serverReference: 'h' },
    },
  },
  {
    name: 'v5 AUTH continue',
    version: 5,
    hex: `f0 10                 # AUTH, remaining length 16
          18                    # reason 0x18 Continue authentication
          0e                    # property length 14
            15 00 05 53 43 52 41 4d  # Authentication Method "SCRAM"
            16 00 03 01 02 03   #   Authentication Data 01 02 03`,
    packet: {
      cmd: 'auth',
      reasonCode: 0x18,
      properties: { authenticationMethod: 'SCRAM', authenticationData: b([1, 2, 3]) },
    },
  },
];
