// Test-only fault switches: each name makes the broker misbehave in exactly one way, so the
// conformance suites can prove they catch that fault. Never enable these outside tests.
// Each entry names the normative statements it violates.

export const FAULTS = {
  /** QoS 2 PUBLISH from a client is never answered with PUBREC (message still routed). MQTT-4.3.3-8 (5.0), MQTT-4.3.3-2 (3.1.1). */
  'no-pubrec': 'never answer a QoS 2 PUBLISH with PUBREC',
  /** QoS 1 PUBLISH from a client is never answered with PUBACK (message still routed). MQTT-4.3.2-4 (5.0), MQTT-4.3.2-2 (3.1.1). */
  'no-puback': 'never answer a QoS 1 PUBLISH with PUBACK',
  /** CONNACK Session Present is inverted (only on accepted connections). MQTT-3.2.2-2, MQTT-3.2.2-3 (both versions). */
  'wrong-session-present': 'invert the CONNACK session present flag',
  /** A retained PUBLISH with an empty payload leaves the stored message in place. MQTT-3.3.1-6, -7 (5.0); MQTT-3.3.1-10, -11 (3.1.1). */
  'retain-not-cleared': 'an empty retained publish does not clear the retained message',
  /** No retained messages are sent when a subscription is made. MQTT-3.3.1-9 (5.0), MQTT-3.3.1-6 (3.1.1). */
  'no-retain-on-subscribe': 'never send retained messages on subscribe',
  /** The will is published even after a normal DISCONNECT (0x00). MQTT-3.1.2-10, MQTT-3.14.4-3 (both versions). */
  'will-on-clean-disconnect': 'publish the will after a clean DISCONNECT',
  /** The will is never published when the connection drops. MQTT-3.1.2-8 (both versions). */
  'no-will-on-drop': 'never publish the will when a connection drops',
  /** A PUBLISH carrying only a known Topic Alias (empty topic) is silently dropped. MQTT-3.3.2-12 (5.0). */
  'ignore-inbound-alias': 'treat an alias-only PUBLISH as an unknown topic and drop it silently',
  /** Keep alive is never enforced (silent clients stay connected forever). MQTT-3.1.2-22 (5.0), MQTT-3.1.2-24 (3.1.1). */
  'no-keepalive': 'never enforce keep alive',
  /** Malformed packets / reserved flag violations are ignored instead of closing. MQTT-2.2.2-2, MQTT-3.3.1-4 (both). */
  'accept-malformed': 'ignore malformed packets and reserved flags instead of closing',
  /** Deliveries keep the published QoS, ignoring the granted QoS. MQTT-3.8.4-8 (5.0), MQTT-3.8.4-6 (3.1.1). */
  'no-qos-downgrade': 'deliver at the published QoS whatever was granted',
  /** Every member of a shared group gets every message. 5.0 section 4.8.2 "sent to only one session of the group" (untagged; cf. MQTT-4.8.2-5). */
  'shared-deliver-all': 'deliver shared-subscription messages to every member of the group',
  /** Leading # and + match topics beginning with $. MQTT-4.7.2-1 (both versions). */
  'dollar-wildcard': 'let # and + match topics that start with $',
  /** A second connection with a used client id is accepted but the old one is kept open. MQTT-3.1.4-3 (5.0), MQTT-3.1.4-2 (3.1.1). */
  'no-link-stealing': 'keep the old connection when a new one takes over its client id',
  /** No DISCONNECT 0x93 when the client exceeds Receive Maximum, and the client's Receive Maximum is ignored. MQTT-3.3.4-7/-8/-9 (5.0). */
  'ignore-receive-maximum': 'ignore receive maximum in both directions',
  /** Packets larger than the client's Maximum Packet Size are sent anyway. MQTT-3.1.2-24, -25 (5.0). */
  'ignore-max-packet-size': "send packets larger than the client's maximum packet size",
  /** No Local subscription option is ignored (own messages echoed). MQTT-3.8.3-3 (5.0). */
  'no-local-ignored': 'ignore the No Local subscription option',
  /** Subscription identifiers are not echoed in deliveries. MQTT-3.3.4-3 (5.0). */
  'no-subscription-id': 'never include subscription identifiers in deliveries',
  /** Messages never expire, and the original Message Expiry Interval is forwarded. MQTT-3.3.2-5, -6 (5.0). */
  'no-message-expiry': 'never expire messages and forward the original expiry interval',
  /** A second CONNECT on a connection is ignored instead of closing. MQTT-3.1.0-2 (both versions). */
  'second-connect-accepted': 'ignore a second CONNECT instead of closing the connection',
  /** UNSUBSCRIBE is processed but never answered with UNSUBACK. MQTT-3.10.4-4 (both versions). */
  'no-unsuback': 'never send UNSUBACK',
  /** A PUBLISH topic containing + or # is routed instead of closing the connection. MQTT-3.3.2-2 (both). */
  'wildcard-publish-accepted': 'accept PUBLISH topic names containing + or #',
  /** RETAIN=1 is kept on live deliveries even when Retain As Published is 0 / on 3.1.1. MQTT-3.3.1-12 (5.0), MQTT-3.3.1-9 (3.1.1). */
  'retain-flag-live': 'keep retain=1 when forwarding to existing subscribers',
  /** Redelivered PUBLISH packets on session resume carry DUP=0. MQTT-3.3.1-1 (both), MQTT-4.4.0-1. */
  'no-dup-on-redelivery': 'redeliver unacknowledged messages with DUP=0',
} as const;

export type FaultName = keyof typeof FAULTS;
export const FAULT_NAMES: string[] = Object.keys(FAULTS);

/** Fast lookup object: one boolean per fault, read on the hot path. */
export type FaultFlags = Record<FaultName, boolean>;

export function faultFlags(names: readonly string[]): FaultFlags {
  const f = {} as FaultFlags;
  for (const n of FAULT_NAMES) f[n as FaultName] = names.includes(n);
  return f;
}
