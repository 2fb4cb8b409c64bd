// MQTT 3.1 (protocol name MQIsdp, level 3) has no tagged normative statements of its own. Its cases cite the
// MQTT 3.1.1 statements whose rule MQTT 3.1 already states (in its own, untagged words), and only those: the
// list below. Coverage for 3.1 is measured against it. Left out on purpose: what 3.1.1 added or tightened
// (Session Present, SUBACK failure 0x80, empty client ids, strict reserved-flag and UTF-8 checks, the $ topic
// rule, zero-length retained messages clearing a topic, RETAIN 0 on live deliveries, which 3.1 only
// recommends). suites/mqtt-3.1/README.md gives the 3.1 wording each entry rests on.

import type { StatementInfo } from './statement-ids.ts';
import { statementIndex } from './statements.ts';

export const MQTT31_STATEMENTS: readonly string[] = [
  'MQTT-2.3.1-6', // PUBACK / PUBREC / PUBREL / PUBCOMP carry the Message ID of the PUBLISH
  'MQTT-2.3.1-7', // SUBACK / UNSUBACK carry the Message ID of the SUBSCRIBE / UNSUBSCRIBE
  'MQTT-3.1.2-2', // an unsupported protocol version: CONNACK 1 (unacceptable protocol version)
  'MQTT-3.1.2-8', // the will is published when the client disconnects without DISCONNECT
  'MQTT-3.1.2-10', // a DISCONNECT discards the will
  'MQTT-3.1.2-16', // will retain 0: the will is not retained
  'MQTT-3.1.2-17', // will retain 1: the will is retained
  'MQTT-3.1.2-24', // no message within 1.5 x keep alive: the server disconnects the client
  'MQTT-3.1.3-5', // client identifiers of 1 to 23 characters are accepted
  'MQTT-3.1.3-9', // a client identifier outside 1-23 characters: CONNACK 2 (identifier rejected)
  'MQTT-3.1.4-2', // a second client with the same client identifier disconnects the first
  'MQTT-3.1.4-4', // an accepted CONNECT is answered with CONNACK 0
  'MQTT-3.2.0-1', // the server's first message is CONNACK
  'MQTT-3.2.2-5', // a refused connection (non-zero CONNACK) is closed
  'MQTT-3.3.1-5', // a retained PUBLISH is kept for future subscribers
  'MQTT-3.3.1-6', // a new subscription receives the retained message of a matching topic
  'MQTT-3.3.1-8', // a retained message sent because of a new subscription has RETAIN set
  'MQTT-3.3.2-3', // deliveries go to subscriptions whose filter (with + and #) matches the topic
  'MQTT-3.3.4-1', // the receiver of a PUBLISH answers per QoS (nothing, PUBACK, PUBREC)
  'MQTT-3.8.4-1', // every SUBSCRIBE is answered with a SUBACK
  'MQTT-3.8.4-5', // SUBACK holds the granted QoS of each topic
  'MQTT-3.8.4-6', // a message is delivered at the lower of its QoS and the granted QoS
  'MQTT-3.10.4-2', // after UNSUBSCRIBE no more messages for that subscription
  'MQTT-3.10.4-4', // UNSUBSCRIBE is answered with UNSUBACK
  'MQTT-3.12.4-1', // PINGREQ is answered with PINGRESP
  'MQTT-3.14.4-3', // on DISCONNECT the will is not published
  'MQTT-4.3.1-1', // QoS 0: delivered at most once, no acknowledgement
  'MQTT-4.3.2-2', // QoS 1: PUBACK with the same Message ID
  'MQTT-4.3.3-2', // QoS 2: PUBREC, then PUBCOMP for the PUBREL
  'MQTT-4.5.0-1', // a message reaches every client with a matching subscription
];

/** The 3.1.1 statements (with their testability) that MQTT 3.1 cases may cite, by id. */
export function mqtt31Statements(): Map<string, StatementInfo> {
  const all = statementIndex().get('3.1.1')!;
  const out = new Map<string, StatementInfo>();
  for (const id of MQTT31_STATEMENTS) {
    const s = all.get(id);
    if (s) out.set(id, s);
  }
  return out;
}
