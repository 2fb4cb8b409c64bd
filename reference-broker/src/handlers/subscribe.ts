// SUBSCRIBE / UNSUBSCRIBE (3.8, 3.10): validation, grants, retained messages at subscribe time.
import type { ISubscribePacket, IUnsubscribePacket, Packet } from 'mqtt-packet';
import type { Connection } from '../connection.ts';
import { queueRetained } from '../retained-delivery.ts';
import type { Subscription } from '../session.ts';
import { hasWildcard, parseShared, topicFilterProblem } from '../topics.ts';

export function handleSubscribe(conn: Connection, p: ISubscribePacket) {
  const b = conn.broker;
  const cfg = b.config;
  const f = b.faults;
  const s = conn.session!;
  const v5 = conn.v5;
  const props = (p.properties ?? {}) as Record<string, unknown>;
  let subId = 0;
  if (props.subscriptionIdentifier !== undefined) {
    if (Array.isArray(props.subscriptionIdentifier))
      return conn.protocolError(0x82, 'more than one subscription identifier');
    subId = Number(props.subscriptionIdentifier);
    if (subId === 0) return conn.protocolError(0x82, 'subscription identifier 0'); // 3.8.2.1.2
    if (!cfg.subscriptionIdentifiersAvailable)
      return conn.protocolError(0xa1, 'subscription identifiers not supported');
  }
  if (!p.subscriptions || p.subscriptions.length === 0)
    return conn.protocolError(0x82, 'SUBSCRIBE without filters'); // MQTT-3.8.3-3 (3.1.1)
  const granted: number[] = [];
  const toRetain: Array<[Subscription, boolean]> = [];
  for (const req of p.subscriptions) {
    const filter = req.topic;
    let topicFilter = filter;
    let shareGroup: string | undefined;
    const shared = parseShared(filter);
    if (shared === null) {
      granted.push(v5 ? 0x8f : 0x80);
      continue;
    }
    if (shared) {
      if (!cfg.sharedSubscriptionAvailable) {
        granted.push(v5 ? 0x9e : 0x80);
        continue;
      }
      if (req.nl && !f['no-local-shared-accepted'])
        return conn.protocolError(0x82, 'No Local on a shared subscription'); // MQTT-3.8.3-4
      topicFilter = shared.filter;
      shareGroup = shared.group;
    }
    if (topicFilterProblem(topicFilter, cfg.maxTopicLevels) !== undefined) {
      granted.push(v5 ? 0x8f : 0x80);
      continue;
    }
    if (!cfg.wildcardSubscriptionAvailable && hasWildcard(topicFilter)) {
      granted.push(v5 ? 0xa2 : 0x80);
      continue;
    }
    if (!b.acl.empty && !b.acl.allowed(conn.username, conn.clientId, 'subscribe', topicFilter)) {
      granted.push(v5 ? 0x87 : 0x80); // A18.4
      continue;
    }
    const qos = Math.min(req.qos, cfg.maximumQoS) as 0 | 1 | 2; // MQTT-3.2.2-10: accept, grant lower
    const existing = s.subs.get(filter);
    const cap = cfg.maxSubscriptionsPerClient;
    if (!existing && cap > 0 && s.subs.size >= cap) {
      granted.push(v5 ? 0x97 : 0x80); // Quota exceeded (5.0) / Failure (3.1.1): maxSubscriptionsPerClient
      continue;
    }
    if (existing && f['subscription-not-replaced']) {
      granted.push(qos);
      continue;
    }
    const sub: Subscription = {
      session: s,
      filter,
      topicFilter,
      shareGroup,
      qos,
      noLocal: v5 && req.nl === true,
      retainAsPublished: v5 && req.rap === true && !f['retain-as-published-ignored'],
      retainHandling: (v5 && !f['retain-handling-ignored'] ? (req.rh ?? 0) : 0) as 0 | 1 | 2,
      subId: v5 ? subId : 0,
      // granted although the ACL may deny some of its topics: every delivery is checked (acl.ts)
      aclCheck: !b.acl.empty && b.acl.needsDeliveryCheck(s.user, topicFilter),
      aclCache: undefined,
    };
    if (existing) b.trie.remove(existing); // MQTT-3.8.4-3: replaces the existing subscription
    s.subs.set(filter, sub);
    b.trie.add(sub);
    b.store.subscriptionSaved(s, sub);
    granted.push(qos);
    toRetain.push([sub, existing !== undefined]);
  }
  if (f['suback-order-reversed']) granted.reverse();
  conn.send({ cmd: 'suback', messageId: p.messageId, granted } as Packet); // MQTT-3.8.4-1, -5 (one code per filter)
  if (f['no-retain-on-subscribe'] || !cfg.retainAvailable) return;
  for (const [sub, existed] of toRetain) {
    // Retained messages are not sent for shared subscriptions (5.0 4.8.2) and per Retain Handling
    if (sub.shareGroup !== undefined) continue;
    if (sub.retainHandling === 2 || (sub.retainHandling === 1 && existed)) continue; // MQTT-3.3.1-10/-11
    queueRetained(b, s, sub); // all of them, as the client's window allows (retained-delivery.ts)
  }
  if (s.pendingRetained.length > 0) b.router.pump(s);
}

export function handleUnsubscribe(conn: Connection, p: IUnsubscribePacket) {
  const b = conn.broker;
  const s = conn.session!;
  if (!p.unsubscriptions || p.unsubscriptions.length === 0)
    return conn.protocolError(0x82, 'UNSUBSCRIBE without filters');
  const codes: number[] = [];
  for (const filter of p.unsubscriptions) {
    const sub = s.subs.get(filter);
    if (sub) {
      if (!b.faults['unsubscribe-ignored']) {
        b.trie.remove(sub);
        s.subs.delete(filter);
        b.store.subscriptionRemoved(s, filter);
      }
      codes.push(0);
    } else codes.push(0x11); // No subscription existed
  }
  if (b.faults['no-unsuback']) return;
  const id = b.faults['unsuback-wrong-packet-id'] ? ((p.messageId ?? 0) % 65535) + 1 : p.messageId;
  if (conn.v5) conn.send({ cmd: 'unsuback', messageId: id, granted: codes } as unknown as Packet);
  else conn.send({ cmd: 'unsuback', messageId: id } as Packet); // MQTT-3.10.4-4
}
