// Golden byte vectors of MQTT 5.0 (conventions in golden-vector.ts).
import { b, type GoldenVector } from './golden-vector.ts';

export const GOLDEN_V5: GoldenVector[] = [
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
