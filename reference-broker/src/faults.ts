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
  /** CONNACK for an accepted zero-length client id (5.0) has no Assigned Client Identifier. MQTT-3.2.2-16 (5.0). */
  'no-assigned-client-id': 'omit the Assigned Client Identifier for an empty client id',
  /** The Will Delay Interval is ignored: the will is published as soon as the connection drops. MQTT-3.1.3-9 (5.0). */
  'will-delay-ignored': 'publish the will at once, ignoring the Will Delay Interval',
  /** The client's Session Expiry Interval is ignored (5.0 sessions end with the connection). MQTT-3.1.2-23 (5.0). */
  'session-expiry-ignored': 'end every 5.0 session with its connection, whatever its Session Expiry Interval',
  /** Clean Start / Clean Session 1 resumes an existing session instead of discarding it. MQTT-3.1.2-4 (5.0), MQTT-3.1.2-6 (3.1.1). */
  'clean-start-ignored': 'resume an existing session although Clean Start is 1',
  /** The will is published with RETAIN 0 although Will Retain is 1. MQTT-3.1.2-15 (5.0), MQTT-3.1.2-17 (3.1.1). */
  'will-retain-ignored': 'publish the will not retained although Will Retain is 1',
  /** 3.1.1: an empty client id with Clean Session 0 is accepted instead of refused (return code 2). MQTT-3.1.3-8 (3.1.1). */
  'empty-client-id-persistent-accepted': 'accept an empty client id with Clean Session 0 (3.1.1)',
  /** A known user name with a wrong password is accepted. MQTT-3.1.4-2 (5.0): a failed authentication closes the connection. */
  'bad-password-accepted': 'accept a known user with a wrong password',
  /** A will QoS above the server's Maximum QoS is accepted. MQTT-3.2.2-12 (5.0). */
  'will-qos-above-maximum-accepted': 'accept a will QoS above Maximum QoS',
  /** CONNACK carries Response Information although the client did not request it. MQTT-3.1.2-28 (5.0). */
  'unrequested-response-information': 'send Response Information in every CONNACK',
  /** Retain Handling is ignored (1 and 2 behave like 0). MQTT-3.3.1-10, -11 (5.0). */
  'retain-handling-ignored': 'ignore the Retain Handling subscription option',
  /** Retain As Published 1 is ignored (live deliveries get RETAIN 0). MQTT-3.3.1-13 (5.0). */
  'retain-as-published-ignored': 'ignore the Retain As Published subscription option',
  /** SUBACK codes come in the reverse order of the filters. MQTT-3.9.3-1 (both), MQTT-3.8.4-6 (5.0) / MQTT-3.8.4-5 (3.1.1). */
  'suback-order-reversed': 'send SUBACK codes in the reverse order of the filters',
  /** UNSUBSCRIBE is acknowledged but the subscription stays in place. MQTT-3.10.4-2 (both). */
  'unsubscribe-ignored': 'acknowledge UNSUBSCRIBE but keep the subscription',
  /** UNSUBACK carries a different packet identifier than the UNSUBSCRIBE. MQTT-3.10.4-4 (3.1.1), MQTT-2.2.1-6 (5.0). */
  'unsuback-wrong-packet-id': 'answer UNSUBSCRIBE with the next packet identifier',
  /** No Local 1 on a shared subscription is accepted instead of a Protocol Error. MQTT-3.8.3-4 (5.0). */
  'no-local-shared-accepted': 'accept No Local on a shared subscription',
  /** A PUBLISH above the announced Maximum QoS is accepted. MQTT-3.2.2-11 (5.0). */
  'maximum-qos-not-enforced': 'accept a PUBLISH above Maximum QoS',
  /** A retained PUBLISH is accepted although Retain Available is 0. MQTT-3.2.2-14 (5.0). */
  'retain-unavailable-accepted': 'accept a retained PUBLISH although Retain Available is 0',
  /** A client Topic Alias above the server's Topic Alias Maximum is accepted. MQTT-3.2.2-17, MQTT-3.3.2-9 (5.0). */
  'topic-alias-maximum-ignored': "accept a Topic Alias above the server's Topic Alias Maximum",
  /** A PUBLISH the ACL denies is delivered to subscribers. MQTT-3.3.5-2 (3.1.1); 5.0 section 3.3.4 (0x87). */
  'publish-acl-ignored': 'deliver a PUBLISH that the ACL denies',
  /** Response Topic and Correlation Data are stripped from forwarded messages. MQTT-3.3.2-15, -16 (5.0). */
  'response-topic-dropped': 'drop Response Topic and Correlation Data when forwarding',
  /** PINGREQ is never answered. MQTT-3.12.4-1 (both versions). */
  'no-pingresp': 'never answer PINGREQ',
  /** Outbound topic aliases keep growing past the client's Topic Alias Maximum. MQTT-3.1.2-26, MQTT-3.3.2-11 (5.0). */
  'outbound-alias-beyond-maximum': "use outbound topic aliases above the client's Topic Alias Maximum",
  /** The will is published without its properties (payload format, content type, response topic, ...). MQTT-3.1.2-7 (5.0). */
  'will-properties-dropped': 'publish the will without its properties',
  /** Offline sessions expire only at a periodic scan every sessionScanIntervalMs, so a will waiting for its delay is published late when the session ends first. MQTT-3.1.2-8 (5.0). */
  'session-expiry-scan': 'expire offline sessions by a periodic scan instead of a timer each',
  /** Subscribing again to an identical filter keeps the old subscription (options, no retained resend). MQTT-3.8.4-3 (both). */
  'subscription-not-replaced': 'keep the old subscription when an identical filter is subscribed again',
  /** Overlapping subscriptions of one client get one copy at the lowest of their QoS. MQTT-3.3.5-1 (3.1.1), MQTT-3.3.4-2 (5.0). */
  'overlap-lowest-qos': 'deliver one copy at the lowest QoS of overlapping subscriptions',
  /** Only PINGREQ resets the keep-alive timer: a client active with other packets is dropped. MQTT-3.1.2-24 (3.1.1), MQTT-3.1.2-22 (5.0). */
  'keepalive-pingreq-only': 'count only PINGREQ as keep-alive activity',
  /** A will whose session ends before its Will Delay waits for the delay anyway. MQTT-3.1.2-8 (5.0). */
  'will-outlives-session': 'publish a delayed will at its Will Delay even when the session ends first',
  /** QoS 0 deliveries carry a Packet Identifier (a QoS 1 encoding with the QoS bits cleared). MQTT-2.3.1-5 (3.1.1), MQTT-2.2.1-2 (5.0). */
  'qos0-packet-id': 'put a packet identifier in QoS 0 deliveries',
  /** A refusing CONNACK is followed by a PINGRESP before the close. MQTT-3.2.2-5 (3.1.1), MQTT-3.2.2-7 (5.0). */
  'packet-after-refusal': 'send a PINGRESP after a CONNACK that refuses the connection',
  /** MQTT 3.1: a client identifier longer than 23 characters is accepted (3.1 refuses it with return code 2). MQTT-3.1.3-9 as 3.1 states it. */
  'mqtt31-long-client-id-accepted': 'accept MQTT 3.1 client identifiers longer than 23 characters',
} as const;

/**
 * Test-only variations: behaviours a conformance tool must not misjudge, switched on through the same `faults`
 * setting. All but one are what the spec allows another broker to do; the harness's verdict tests
 * (src/conformance/false-alarms.integration.test.ts) run the suites against them and expect no failure, or,
 * for the one quirk, exactly the one case about it.
 */
export const VARIATIONS = {
  /** Speaks MQTT 3.1.1 (and 3.1) only: a 5.0 CONNECT gets the 3.1.1 CONNACK 0x01 (unacceptable protocol level). Allowed: a 3.1.1 server answers so (MQTT-3.1.2-2, 3.1.1). */
  'mqtt311-only': 'refuse MQTT 5.0 CONNECTs as a 3.1.1-only server does',
  /** Overlapping subscriptions of one session get one copy per matching subscription. Allowed: MQTT-3.3.5-1 (3.1.1), 5.0 section 3.3.4. */
  'copy-per-subscription': 'deliver one copy per matching subscription instead of one at the highest QoS',
  /** Every server DISCONNECT for an error carries 0x83 (Implementation specific error) instead of the code the spec names. Allowed: the close is the MUST, the code is guidance (5.0 section 4.13); graded non-strict, never failed. */
  'other-error-reason-code': 'send DISCONNECT 0x83 for every error instead of the specific reason code',
  /** A quirk, not allowed (MQTT-4.7.3-4 3.1.1 / MQTT-4.7.3-4 5.0 topic names pass unchanged): '.' in delivered topic names becomes '/'. One case must catch it, and only one. */
  'rewrite-dots': "rewrite '.' in delivered topic names to '/'",
} as const;

export type FaultName = keyof typeof FAULTS | keyof typeof VARIATIONS;
export const FAULT_NAMES: string[] = Object.keys(FAULTS);
export const VARIATION_NAMES: string[] = Object.keys(VARIATIONS);

/** Fast lookup object: one boolean per fault or variation, read on the hot path. */
export type FaultFlags = Record<FaultName, boolean>;

export function faultFlags(names: readonly string[]): FaultFlags {
  const f = {} as FaultFlags;
  for (const n of [...FAULT_NAMES, ...VARIATION_NAMES]) f[n as FaultName] = names.includes(n);
  return { ...f }; // a literal copy: fast properties (the flags are read on every message)
}

/** Property ids of a PUBLISH property list and their value sizes (-1: UTF-8 string / binary, -2: pair, -3: VBI). */
const PUBLISH_PROP_SIZE: Record<number, number> = {
  1: 1,
  2: 4,
  3: -1,
  8: -1,
  9: -1,
  11: -3,
  35: 2,
  38: -2,
};

/** Fault helper ('response-topic-dropped'): the PUBLISH property bytes without the given property ids. */
export function withoutProperties(props: Buffer | undefined, ids: readonly number[]): Buffer | undefined {
  if (!props) return props;
  const keep: Buffer[] = [];
  let off = 0;
  while (off < props.length) {
    const start = off;
    const id = props[off++]!;
    const size = PUBLISH_PROP_SIZE[id];
    if (size === undefined) return props; // not a PUBLISH property list we understand: leave it alone
    if (size >= 0) off += size;
    else if (size === -1) off += 2 + props.readUInt16BE(off);
    else if (size === -2) {
      off += 2 + props.readUInt16BE(off);
      off += 2 + props.readUInt16BE(off);
    } else while ((props[off++]! & 0x80) !== 0);
    if (!ids.includes(id)) keep.push(props.subarray(start, off));
  }
  const out = Buffer.concat(keep);
  return out.length > 0 ? out : undefined;
}

/** Fault helper ('qos0-packet-id'): a copy of a QoS 1 PUBLISH with QoS 0 in its header and Packet Identifier 1. */
export function qos0WithPacketId(buf: Buffer | undefined): Buffer | undefined {
  if (!buf) return buf;
  const out = Buffer.from(buf);
  let off = 1;
  while ((out[off++]! & 0x80) !== 0);
  const at = off + 2 + out.readUInt16BE(off);
  out[0] = out[0]! & ~0x06;
  out.writeUInt16BE(1, at);
  return out;
}
