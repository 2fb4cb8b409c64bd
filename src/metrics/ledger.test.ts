import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildLedgerRaw, LedgerRecorder, mergeLedgerRaw, summarizeLedger } from './ledger.ts';

const label = { pub: (i: number) => `p${i}`, stream: (i: number) => `s${i}` };

describe('ledger', () => {
  test('counts loss, duplicates and reordering per pair', () => {
    const r = new LedgerRecorder(2);
    for (const seq of [0, 1, 2, 2, 5, 4, 6, 7, 9]) r.record(0, 0, seq, 1); // lost 3 and 8; dup 2; 4 late
    for (let seq = 0; seq < 10; seq++) r.record(0, 1, seq, 0);
    const { raw } = buildLedgerRaw(
      [r.export()],
      [
        { pub: 0, stream: 0, qos: 1 },
        { pub: 0, stream: 1, qos: 0 },
      ],
      new Map([[0, 10]]),
      2,
    );
    const s = summarizeLedger(raw, label);
    assert.equal(s.expected, 20);
    assert.equal(s.delivered, 18);
    assert.equal(s.lost, 2);
    assert.equal(s.duplicated, 1);
    assert.equal(s.outOfOrder, 1);
    assert.deepEqual(s.byQos['1'], { expected: 10, delivered: 8, lost: 2, duplicated: 1, outOfOrder: 1 });
    assert.deepEqual(s.byQos['0'], { expected: 10, delivered: 10, lost: 0, duplicated: 0, outOfOrder: 0 });
    assert.equal(s.pairs.length, 1);
    assert.equal(s.pairs[0]?.subscriber, 's0');
  });

  test('a pair that received nothing is all lost; unexpected deliveries are counted apart', () => {
    const r = new LedgerRecorder(3);
    r.record(5, 2, 0, 0);
    const { raw, unexpected } = buildLedgerRaw(
      [r.export()],
      [{ pub: 1, stream: 0, qos: 0 }],
      new Map([[1, 4]]),
      3,
    );
    assert.equal(unexpected, 1);
    assert.equal(summarizeLedger(raw, label).lost, 4);
  });

  test('long runs slide the window and still find duplicates among recent messages', () => {
    const r = new LedgerRecorder(1);
    for (let seq = 0; seq < 300_000; seq++) r.record(0, 0, seq, 0);
    r.record(0, 0, 299_999, 0);
    r.record(0, 0, 299_000, 0);
    const { raw } = buildLedgerRaw([r.export()], [{ pub: 0, stream: 0, qos: 0 }], new Map([[0, 300_000]]), 1);
    const s = summarizeLedger(raw, label);
    assert.equal(s.duplicated, 2);
    assert.equal(s.lost, 0);
    assert.equal(s.outOfOrder, 0);
  });

  test('worker and shard parts add up per pair', () => {
    // Stream 0 is a shared group whose members sit in two workers; the publisher lives in another shard.
    const w1 = new LedgerRecorder(1);
    const w2 = new LedgerRecorder(1);
    for (let seq = 0; seq < 10; seq++) (seq % 2 ? w1 : w2).record(3, 0, seq, 1);
    const shardA = buildLedgerRaw(
      [w1.export(), w2.export()],
      [{ pub: 3, stream: 0, qos: 1 }],
      new Map(),
      1,
    ).raw;
    const shardB = buildLedgerRaw([], [], new Map([[3, 12]]), 1).raw;
    const s = summarizeLedger(mergeLedgerRaw([shardA, shardB]), label);
    assert.equal(s.expected, 12);
    assert.equal(s.delivered, 10);
    assert.equal(s.lost, 2);
  });
});
