import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { makeMessage } from './message.ts';
import { RetainedStore, retainedBytes } from './retained.ts';

const msg = (topic: string, payload = 'x', expiry = -1) =>
  makeMessage(topic, Buffer.from(payload), 1, true, undefined, expiry, undefined);

function drain(store: RetainedStore, filter: string, now = Date.now()): string[] {
  const c = store.cursor(filter, false);
  const out: string[] = [];
  for (let m = c.peek(now); m; m = c.peek(now)) {
    out.push(`${m.topic}=${m.payload}`);
    c.take();
  }
  return out;
}

describe('RetainedStore', () => {
  test('a cursor serves every match once, the same message until taken', () => {
    const s = new RetainedStore();
    for (let i = 0; i < 5; i++) s.set(msg(`a/${i}`));
    s.set(msg('b/0'));
    const c = s.cursor('a/+', false);
    const now = Date.now();
    assert.equal(c.peek(now)?.topic, 'a/0');
    assert.equal(c.peek(now)?.topic, 'a/0');
    c.take();
    assert.equal(c.peek(now)?.topic, 'a/1');
    assert.deepEqual(drain(s, 'a/#').length, 5);
    assert.deepEqual(drain(s, 'b/0'), ['b/0=x']);
    assert.deepEqual(drain(s, 'c/0'), []);
  });

  test('messages stored, replaced or deleted after the cursor opened are not served by it', () => {
    const s = new RetainedStore();
    s.set(msg('t/1', 'old'));
    s.set(msg('t/2'));
    s.set(msg('t/3'));
    const c = s.cursor('t/#', false);
    const now = Date.now();
    assert.equal(c.peek(now)?.topic, 't/1');
    c.take();
    s.set(msg('t/2', 'new')); // reaches the subscriber live instead
    s.delete('t/3');
    s.set(msg('t/4'));
    assert.equal(c.peek(now), undefined);
  });

  test('expired messages are skipped and removed', () => {
    const s = new RetainedStore();
    s.set(msg('e/1', 'x', 1));
    s.set(msg('e/2'));
    assert.deepEqual(drain(s, 'e/#', Date.now() + 5000), ['e/2=x']);
    assert.equal(s.size, 1);
  });

  test('count and byte limits refuse what does not fit; replacing within the limits is fine', () => {
    const byCount = new RetainedStore(2, -1);
    assert.ok(byCount.set(msg('a')));
    assert.ok(byCount.set(msg('b')));
    assert.equal(byCount.set(msg('c')), false);
    assert.ok(byCount.set(msg('a', 'replaced')));
    assert.equal(byCount.refused, 1);
    const one = retainedBytes(msg('a', '1234'));
    const byBytes = new RetainedStore(-1, one * 2);
    assert.ok(byBytes.set(msg('a', '1234')));
    assert.ok(byBytes.set(msg('b', '1234')));
    assert.equal(byBytes.set(msg('b', '12345')), false);
    assert.equal(byBytes.bytes, one * 2);
    byBytes.delete('a');
    assert.equal(byBytes.bytes, one);
    assert.ok(byBytes.set(msg('b', '12345')));
  });
});
