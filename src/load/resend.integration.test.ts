// A persistent-session load client reconnects after a cut link and sends again what was not acknowledged, as a
// real client must: PUBLISH with DUP=1 and the same packet id (and payload), PUBREL for QoS 2 past PUBREC
// [MQTT-4.4.0-1]. Seen on the broker side through a tap; the ledger then shows no loss (QoS 1, 2) and no
// duplicate (QoS 2).
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { runLoad } from './index.ts';
import { startTap, type TapFrame } from './tap.ts';
import { againstBothBrokers, profileFrom } from './testing.ts';

const PROFILE = `kind: load
id: resend
duration: 1500ms
drain: 3s
groups:
  - name: pub1
    count: 1
    clientId: "rs-pub1-{run}"
    clean: false
    reconnect: { backoff: 20ms, max: 200ms }
    publish: { topic: "rs/{run}/q1", qos: 1, rate: 100/s }
  - name: pub2
    count: 1
    clientId: "rs-pub2-{run}"
    clean: false
    reconnect: { backoff: 20ms, max: 200ms }
    publish: { topic: "rs/{run}/q2", qos: 2, rate: 100/s }
  - name: sub
    count: 1
    clientId: "rs-sub-{run}"
    clean: false
    subscribe: [ { filter: "rs/{run}/+", qos: 2 } ]
faults:
  - { name: mute-acks, at: 300ms, for: 400ms, groups: [pub1, pub2], fault: { type: blackhole, direction: toClient } }
  - { name: cut, at: 600ms, groups: [pub1, pub2], fault: reset }
thresholds:
  - lost.qos1 == 0
  - lost.qos2 == 0
  - duplicates.qos2 == 0
`;

const type = (f: TapFrame): number => (f.bytes[0] as number) >> 4;
const dup = (f: TapFrame): boolean => ((f.bytes[0] as number) & 0x08) !== 0;

/** Packet id and payload of a PUBLISH frame (3.1.1, QoS > 0). */
function idAndPayload(f: Buffer): { pid: number; payload: string } {
  let p = 1;
  while ((f[p] as number) & 0x80) p++;
  p++;
  p += 2 + f.readUInt16BE(p);
  return { pid: f.readUInt16BE(p), payload: f.subarray(p + 2).toString('hex') };
}

async function check(brokerPort: number): Promise<void> {
  // Hold back a few PUBCOMPs of pub2's first connection, so some QoS 2 messages sit past PUBREC when the link is
  // cut: those must come back as PUBREL, not as PUBLISH.
  let pubcomps = 0;
  const swallowed = new Set<number>();
  const tap = await startTap({
    brokerPort,
    down: (f, c) => {
      if (c.index > 0 && c.clientId.startsWith('rs-pub2-') && (f[0] as number) >> 4 === 7) {
        const pid = f.readUInt16BE(2);
        if (++pubcomps % 4 === 0 && !swallowed.has(pid) && swallowed.size < 5) {
          swallowed.add(pid);
          return [];
        }
      }
      return [f];
    },
  });
  try {
    const r = await runLoad(profileFrom(PROFILE), { brokerUrl: tap.url, workers: 0 });
    const frames = tap.frames;
    for (const name of ['rs-pub1-', 'rs-pub2-']) {
      const mine = frames.filter((f) => f.clientId.startsWith(name) && f.dir === 'up');
      const conns = [...new Set(mine.map((f) => f.conn))];
      assert.ok(conns.length >= 2, `${name}: reconnected (${conns.length} connections)`);
      const first = mine.filter((f) => f.conn === conns[0] && type(f) === 3);
      const later = mine.filter((f) => f.conn !== conns[0] && type(f) === 3);
      const resent = later.filter(dup);
      assert.ok(resent.length > 0, `${name}: PUBLISH with DUP=1 after the reconnect`);
      const original = new Map(first.map((f) => [idAndPayload(f.bytes).pid, idAndPayload(f.bytes).payload]));
      // A PUBLISH written just before the cut may never have reached the broker: it is resent all the same
      // (the client cannot know). Every resend whose original the broker saw repeats its id and payload.
      let matched = 0;
      for (const f of resent) {
        const { pid, payload } = idAndPayload(f.bytes);
        const seen = original.get(pid);
        if (seen === undefined) continue;
        assert.equal(seen, payload, `${name}: DUP PUBLISH ${pid} repeats the original id and payload`);
        matched++;
      }
      assert.ok(matched > 0, `${name}: a resend of a PUBLISH the broker had seen`);
      assert.equal(first.filter(dup).length, 0, `${name}: no DUP on the first connection`);
      // The resent ones go first on their connection, before any new PUBLISH.
      const second = later.filter((f) => f.conn === later[0]?.conn);
      const firstNew = second.findIndex((f) => !dup(f));
      assert.ok(firstNew === -1 || second.slice(firstNew).every((f) => !dup(f)), `${name}: resends first`);
    }
    // QoS 2 past PUBREC: PUBREL again with the same packet id, never the PUBLISH.
    const pub2 = frames.filter((f) => f.clientId.startsWith('rs-pub2-') && f.dir === 'up');
    const c0 = pub2[0]?.conn;
    const pubrelAgain = pub2
      .filter((f) => f.conn !== c0 && type(f) === 6)
      .map((f) => f.bytes.readUInt16BE(2));
    assert.ok(swallowed.size > 0, 'some PUBCOMPs were held back');
    for (const pid of swallowed) assert.ok(pubrelAgain.includes(pid), `PUBREL ${pid} resent`);
    assert.ok((r.counters['resent.publish'] ?? 0) > 0);
    assert.ok((r.counters['resent.pubrel'] ?? 0) >= swallowed.size);
    // The ledger: nothing lost at QoS 1 and 2, nothing duplicated at QoS 2; QoS 1 duplicates are allowed.
    assert.equal(r.ledger.byQos['1']?.lost, 0, JSON.stringify(r.ledger.pairs));
    assert.equal(r.ledger.byQos['2']?.lost, 0, JSON.stringify(r.ledger.pairs));
    assert.equal(r.ledger.byQos['2']?.duplicated, 0);
    assert.deepEqual(
      r.ledger.guarantees?.map((g) => [g.qos, g.promise, g.held]),
      [
        [1, 'at least once', true],
        [2, 'exactly once', true],
      ],
    );
    assert.deepEqual(
      r.thresholds.map((t) => t.passed),
      [true, true, true],
    );
    const phases = r.faultPhases?.map((p) => [p.name, p.type, p.startMs, p.endMs, p.applied]);
    assert.deepEqual(phases, [
      ['mute-acks', 'blackhole', 300, 700, 1],
      ['cut', 'reset', 600, 600, 1],
    ]);
  } finally {
    await tap.close();
  }
}

describe('resend after reconnect (persistent sessions)', () => {
  againstBothBrokers(check);
});
