import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { makeMessage } from './message.ts';
import { Session } from './session.ts';

describe('Session', () => {
  test('packet ids skip those in flight and wrap at 65535 (MQTT-2.2.1-2)', () => {
    const s = new Session('c', 4);
    const m = makeMessage('t', Buffer.from('x'), 1, false, undefined, -1, undefined);
    assert.equal(s.allocPacketId(), 1);
    s.inflight.set(2, { msg: m, qos: 1, retain: false, subIds: undefined, packetId: 2, state: 0 });
    assert.equal(s.allocPacketId(), 3);
    for (let i = 4; i <= 65535; i++) s.allocPacketId();
    assert.equal(s.allocPacketId(), 1);
    assert.equal(s.allocPacketId(), 3);
  });

  test('queue is FIFO and bounded', () => {
    const s = new Session('c', 4);
    const m = makeMessage('t', Buffer.from('x'), 1, false, undefined, -1, undefined);
    for (let i = 0; i < 5; i++)
      s.enqueue({ msg: m, qos: 1, retain: false, subIds: undefined, packetId: i, state: 0 }, 3);
    assert.equal(s.queued, 3);
    assert.equal(s.dropped, 2);
    assert.equal(s.dequeue()!.packetId, 0);
    assert.equal(s.dequeue()!.packetId, 1);
    assert.equal(s.queued, 1);
  });
});
