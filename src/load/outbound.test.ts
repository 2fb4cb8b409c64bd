import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Outbound } from './outbound.ts';

/** A QoS 1/2 PUBLISH frame (3.1.1) with packet id and a one-byte payload. */
const publish = (qos: 1 | 2, pid: number, body: number): Buffer =>
  Buffer.from([0x30 | (qos << 1), 6, 0, 1, 0x74, pid >> 8, pid & 255, body]);

describe('Outbound (unacknowledged QoS 1/2 messages of one client)', () => {
  test('a resumed session resends PUBLISH with DUP and the same id, in send order, then PUBREL past PUBREC', () => {
    const o = new Outbound(true);
    const frames = [publish(1, 7, 1), publish(2, 8, 2), publish(2, 9, 3), publish(1, 10, 4)];
    frames.forEach((f, i) => {
      o.add(f.readUInt16BE(5), i, f);
    });
    assert.equal(o.complete(7), 0); // PUBACK
    assert.equal(o.pubrec(9), true); // QoS 2 past PUBREC: only PUBREL from now on
    const r = o.resend();
    assert.ok(r);
    assert.equal(r.publishes, 2);
    assert.equal(r.pubrels, 1);
    assert.deepEqual(
      [...r.bytes],
      [
        ...[0x3c, 6, 0, 1, 0x74, 0, 8, 2], // QoS 2, DUP, id 8
        ...[0x3a, 6, 0, 1, 0x74, 0, 10, 4], // QoS 1, DUP, id 10
        ...[0x62, 2, 0, 9], // PUBREL id 9
      ],
    );
    // The originals are untouched (they may still sit in a socket buffer).
    assert.equal(frames[1]?.[0], 0x34);
    assert.equal(o.complete(9), 2); // PUBCOMP
    assert.equal(o.size, 2);
  });

  test('clean sessions keep no bytes; a lost session abandons everything', () => {
    const o = new Outbound(false);
    o.add(1, 0, publish(1, 1, 0));
    assert.equal(o.resend(), undefined);
    assert.equal(o.clear(), 1);
    assert.equal(o.size, 0);
    assert.equal(o.complete(1), undefined);
  });
});
