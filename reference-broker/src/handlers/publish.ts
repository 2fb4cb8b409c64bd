// Incoming PUBLISH: topic alias resolution, capability and authorization checks, QoS 1/2
// acknowledgement, retained store and fan-out.
import type { Connection } from '../connection.ts';
import { withoutProperties } from '../faults.ts';
import type { Message } from '../message.ts';
import { topicNameProblem } from '../topics.ts';
import { encodeAck, type InPublish } from '../wire.ts';

export function handlePublish(conn: Connection, p: InPublish) {
  const b = conn.broker;
  const cfg = b.config;
  const f = b.faults;
  const s = conn.session!;
  const topic = resolveTopic(conn, p);
  if (topic === undefined || refused(conn, p, topic)) return;
  const topicBuf = topic === p.topic ? p.topicBuf : Buffer.from(topic, 'utf8');
  const qos = p.qos;
  const id = p.packetId;
  if (qos === 2 && s.inboundQos2.has(id)) {
    // duplicate before PUBREL: acknowledge again, do not deliver twice (4.3.3, A7.5)
    if (!f['no-pubrec']) conn.write(encodeAck(5, id, conn.v5, 0));
    return;
  }
  // Receive Maximum (MQTT-3.3.4-7 / 0x93): unacknowledged QoS 1 acks of this batch + open QoS 2 flows
  if (qos > 0 && cfg.receiveMaximum > 0 && !f['ignore-receive-maximum']) {
    if (conn.pendingAcks + s.inboundQos2.size >= cfg.receiveMaximum) {
      return conn.protocolError(0x93, 'receive maximum exceeded');
    }
  }
  b.stats.messagesReceived++;
  // Authorization (3.1.1 3.3.5 / A18.2; 5.0 negative acknowledgement 0x87)
  if (
    !b.acl.empty &&
    !b.acl.allowed(conn.username, conn.clientId, 'publish', topic) &&
    !f['publish-acl-ignored']
  ) {
    if (cfg.closeOnPublishAuthorizationFailure) return conn.protocolError(0x87, 'not authorized to publish');
    if (qos === 1) {
      conn.pendingAcks++;
      conn.write(encodeAck(4, id, conn.v5, 0x87));
    } else if (qos === 2) conn.write(encodeAck(5, id, conn.v5, 0x87));
    return;
  }
  let expiry = p.expiry;
  if (cfg.maximumMessageExpiryInterval > 0 && (expiry < 0 || expiry > cfg.maximumMessageExpiryInterval)) {
    expiry = cfg.maximumMessageExpiryInterval;
  }
  const payload = Buffer.from(p.payload);
  const msg: Message = {
    topic,
    topicBuf, // owned bytes (wire.ts copies them)
    payload,
    qos,
    retain: p.retain,
    props: p.props,
    expiresAt: expiry >= 0 ? Date.now() + expiry * 1000 : 0,
    expiryInterval: expiry,
    origin: s,
  };
  if (p.retain && !b.storeRetained(msg) && conn.v5 && qos > 0) {
    // the retained store is full: a 5.0 publisher is told (0x97 Quota exceeded) and nothing is delivered;
    // otherwise the message still goes to the current subscribers (counted in retained/refused)
    acknowledge(conn, qos, id, 0x97);
    return;
  }
  const r = b.router;
  const dropsBefore = b.stats.dropped;
  const targets = r.route(msg);
  // dropped by every subscriber's queue or buffer cap: a 5.0 publisher learns it (0x97 Quota exceeded);
  // partial drops are counted in $SYS (messages/dropped) only
  const dropped = b.stats.dropped - dropsBefore;
  acknowledge(conn, qos, id, conn.v5 && dropped > 0 && dropped >= targets ? 0x97 : 0);
  if (r.congested) {
    r.congested = false;
    b.pausePublisher(conn);
  }
}

/** PUBACK / PUBREC once the message is routed (MQTT-4.3.2-4, MQTT-4.3.3-8); a failure code ends a QoS 2 flow. */
function acknowledge(conn: Connection, qos: number, id: number, reasonCode: number): void {
  const f = conn.broker.faults;
  if (qos === 1) {
    if (f['no-puback']) return;
    conn.pendingAcks++;
    conn.write(encodeAck(4, id, conn.v5, reasonCode));
  } else if (qos === 2) {
    if (reasonCode < 0x80) {
      conn.session!.inboundQos2.add(id);
      // MQTT-4.3.3-8..-10 across a restart: the PUBREC leaves after the store's commit
      conn.broker.store.inboundSaved(conn.session!, id);
    }
    if (!f['no-pubrec']) conn.write(encodeAck(5, id, conn.v5, reasonCode));
  }
}

/** The topic of the PUBLISH, through its Topic Alias if it has one; undefined = answered or closed. */
function resolveTopic(conn: Connection, p: InPublish): string | undefined {
  const f = conn.broker.faults;
  const topic = p.topic;
  if (p.topicAlias === 0) {
    if (topic.length > 0) return topic;
    conn.protocolError(0x82, 'empty topic name without topic alias'); // MQTT-4.7.3-1 / 3.3.2.3.4
    return undefined;
  }
  // MQTT-3.2.2-17 / MQTT-3.3.2-9: alias above the announced Topic Alias Maximum => 0x94
  const max = Math.max(conn.broker.config.topicAliasMaximum, 0);
  if (p.topicAlias > max && !f['topic-alias-maximum-ignored']) {
    conn.protocolError(0x94, 'topic alias out of range');
    return undefined;
  }
  conn.inAliases ??= new Map();
  if (topic.length > 0) {
    conn.inAliases.set(p.topicAlias, topic); // MQTT-3.3.2-12
    return topic;
  }
  const known = conn.inAliases.get(p.topicAlias);
  if (known === undefined) {
    conn.protocolError(0x82, 'unknown topic alias');
    return undefined;
  }
  if (f['ignore-inbound-alias']) {
    if (p.qos === 1) conn.write(encodeAck(4, p.packetId, conn.v5, 0));
    else if (p.qos === 2) conn.write(encodeAck(5, p.packetId, conn.v5, 0));
    return undefined;
  }
  return known;
}

/** Topic name, response topic, maximum QoS and retain checks; true = the connection is being closed. */
function refused(conn: Connection, p: InPublish, topic: string): boolean {
  const cfg = conn.broker.config;
  const f = conn.broker.faults;
  const problem = topicNameProblem(topic, cfg.maxTopicLevels);
  if (problem !== undefined && !(f['wildcard-publish-accepted'] && problem.includes('wildcard'))) {
    conn.protocolError(0x90, problem); // MQTT-3.3.2-2: wildcard in a Topic Name => close
    return true;
  }
  if (p.responseTopic !== undefined) {
    if (topicNameProblem(p.responseTopic, -1) !== undefined) {
      conn.protocolError(0x82, 'invalid response topic'); // MQTT-3.3.2-14
      return true;
    }
    if (f['response-topic-dropped']) p.props = withoutProperties(p.props, [0x08, 0x09]);
  }
  // MQTT-3.2.2-11 (5.0 only: 3.1.1 has no Maximum QoS, its clients may publish at any QoS)
  if (conn.v5 && p.qos > cfg.maximumQoS && !f['maximum-qos-not-enforced']) {
    conn.protocolError(0x9b, 'QoS not supported');
    return true;
  }
  if (p.retain && !cfg.retainAvailable && !f['retain-unavailable-accepted']) {
    conn.protocolError(0x9a, 'retain not supported'); // MQTT-3.2.2-14
    return true;
  }
  return false;
}
