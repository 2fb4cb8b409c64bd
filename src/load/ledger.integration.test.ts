// The ledger finds injected loss, duplication and reordering: a faulty proxy sits between the broker and the
// subscriber and drops, duplicates and holds back chosen PUBLISH packets.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { type Fault, startFaultyProxy } from './faulty-proxy.ts';
import { runLoad } from './index.ts';
import { againstBothBrokers, profileFrom } from './testing.ts';

const PROFILE = `kind: load
id: ledger-faults
duration: 1s
drain: 1500ms
groups:
  - name: pub
    count: 1
    clientId: "pub-{run}"
    publish: { topic: "ledger/{run}", qos: 0, rate: 200/s, payload: 32 }
  - name: sub
    count: 1
    clientId: "faulty-sub-{run}"
    subscribe: [ "ledger/{run}" ]
  - name: clean
    count: 1
    clientId: "clean-sub-{run}"
    subscribe: [ "ledger/{run}" ]
thresholds:
  - lost == 0
`;

const FAULTS: Record<number, Fault> = {
  10: 'drop',
  20: 'drop',
  30: 'duplicate',
  40: 'hold',
  60: 'duplicate',
  70: 'hold',
};

async function check(brokerPort: number): Promise<void> {
  const proxy = await startFaultyProxy({
    brokerPort,
    affects: (id) => id.startsWith('faulty-sub-'),
    fault: (k) => FAULTS[k],
  });
  try {
    const r = await runLoad(profileFrom(PROFILE), { brokerUrl: proxy.url, workers: 0 });
    const sent = r.groups[0]!.sent;
    assert.equal(sent, 200);
    assert.deepEqual(proxy.applied, { drop: 2, duplicate: 2, hold: 2 });
    assert.equal(r.ledger.expected, 2 * sent);
    assert.equal(r.ledger.lost, 2);
    assert.equal(r.ledger.duplicated, 2);
    assert.equal(r.ledger.outOfOrder, 2);
    assert.deepEqual(r.ledger.byQos['0'], {
      expected: 400,
      delivered: 398,
      lost: 2,
      duplicated: 2,
      outOfOrder: 2,
    });
    // Only the faulty subscriber's pair is listed, with its own counts.
    assert.equal(r.ledger.pairs.length, 1);
    assert.deepEqual(
      { ...r.ledger.pairs[0] },
      {
        publisher: 'pub[0]',
        subscriber: 'sub[0]',
        qos: 0,
        expected: 200,
        delivered: 198,
        lost: 2,
        duplicated: 2,
        outOfOrder: 2,
      },
    );
    assert.equal(r.thresholds[0]?.passed, false);
  } finally {
    await proxy.close();
  }
}

describe('ledger through a faulty proxy', () => {
  againstBothBrokers(check);
});
