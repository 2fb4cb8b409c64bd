// The ledger across a reconnect: a persistent QoS 2 subscriber's link is cut mid-run; a tap in front of the broker
// makes one message vanish (answering the broker in the subscriber's name, so nothing is redelivered) and, after
// the reconnect, delivers an earlier message again under a new packet id (a duplicate a broker must never make).
// Exactly one loss and one QoS 2 duplicate must show; the broker's own redeliveries after the cut must not.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { runLoad } from './index.ts';
import { startTap } from './tap.ts';
import { againstBothBrokers, profileFrom } from './testing.ts';

const PROFILE = `kind: load
id: ledger-reconnect
duration: 1500ms
drain: 3s
groups:
  - name: pub
    count: 1
    clientId: "lr-pub-{run}"
    publish: { topic: "lr/{run}", qos: 2, rate: 100/s }
  - name: sub
    count: 1
    clientId: "lr-sub-{run}"
    clean: false
    reconnect: { backoff: 20ms, max: 200ms }
    subscribe: [ { filter: "lr/{run}", qos: 2 } ]
faults:
  - { name: cut-sub, at: 700ms, groups: [sub], fault: reset }
thresholds:
  - lost.qos2 == 0
  - duplicates.qos2 == 0
`;

const INJECTED = 60000;
const pkt = (type: number, flags: number, pid: number): Buffer =>
  Buffer.from([(type << 4) | flags, 2, pid >> 8, pid & 255]);

/** Packet id offset of a 3.1.1 PUBLISH frame with QoS > 0 (after the fixed header and topic). */
function pidAt(f: Buffer): number {
  let p = 1;
  while ((f[p] as number) & 0x80) p++;
  p++;
  return p + 2 + f.readUInt16BE(p);
}

async function check(brokerPort: number): Promise<void> {
  let publishes = 0;
  let kept: Buffer | undefined;
  let dropped = false;
  let injected = false;
  const subConns: number[] = [];
  const tap = await startTap({
    brokerPort,
    down: (f, c) => {
      if (!c.clientId.startsWith('lr-sub-') || (f[0] as number) >> 4 !== 3) return [f];
      publishes++;
      if (publishes === 5 && !kept) kept = Buffer.from(f);
      if (publishes === 20 && !dropped) {
        // Lost for good: the tap answers PUBREC for the subscriber, which never sees the message.
        dropped = true;
        c.toBroker(pkt(5, 0, f.readUInt16BE(pidAt(f))));
        return [];
      }
      return [f];
    },
    up: (f, c) => {
      if (!c.clientId.startsWith('lr-sub-')) return [f];
      const t = (f[0] as number) >> 4;
      // After the reconnect: the earlier message again, under a packet id of its own.
      if (t === 1) subConns.push(c.index);
      if (t === 1 && !injected && kept && subConns.length > 1) {
        injected = true;
        const copy = Buffer.from(kept);
        copy.writeUInt16BE(INJECTED, pidAt(copy));
        setTimeout(() => c.toClient(copy), 100);
      }
      // The injected exchange stays between the tap and the subscriber.
      if ((t === 5 || t === 7) && f.readUInt16BE(2) === INJECTED) {
        if (t === 5) c.toClient(pkt(6, 2, INJECTED));
        return [];
      }
      return [f];
    },
  });
  try {
    const r = await runLoad(profileFrom(PROFILE), { brokerUrl: tap.url, workers: 0 });
    assert.ok(subConns.length >= 2, 'the subscriber reconnected');
    assert.ok(dropped && injected, 'the tap dropped one message and injected one duplicate');
    const q2 = r.ledger.byQos['2'];
    assert.equal(q2?.lost, 1, JSON.stringify(r.ledger.pairs));
    assert.equal(q2?.duplicated, 1, JSON.stringify(r.ledger.pairs));
    assert.deepEqual(r.ledger.guarantees, [
      { qos: 2, promise: 'exactly once', held: false, expected: q2?.expected, lost: 1, duplicated: 1 },
    ]);
    assert.deepEqual(
      r.thresholds.map((t) => [t.expression, t.actual, t.passed]),
      [
        ['lost.qos2 == 0', 1, false],
        ['duplicates.qos2 == 0', 1, false],
      ],
    );
  } finally {
    await tap.close();
  }
}

describe('ledger catches a loss and a QoS 2 duplicate across a reconnect', () => {
  againstBothBrokers(check);
});
