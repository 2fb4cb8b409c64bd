import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encode } from '../protocol/codec.ts';
import { fillDefaults, toPayload } from './packet-defaults.ts';

let next = 1;
const ctx = (version: 3 | 4 | 5) => ({ version, clientId: 'cid1sub', allocMessageId: () => next++ });

test('CONNECT defaults per version, any field overridable', () => {
  const c4 = fillDefaults({}, 'connect', ctx(4)) as unknown as Record<string, unknown>;
  assert.equal(c4.protocolId, 'MQTT');
  assert.equal(c4.protocolVersion, 4);
  assert.equal(c4.clientId, 'cid1sub');
  assert.equal(c4.keepalive, 0);
  assert.equal(c4.clean, true);
  const c3 = fillDefaults({ keepalive: '5', clean: false }, 'connect', ctx(3)) as unknown as Record<
    string,
    unknown
  >;
  assert.equal(c3.protocolId, 'MQIsdp');
  assert.equal(c3.keepalive, 5);
  assert.equal(c3.clean, false);
  const will = fillDefaults({ will: { topic: 't', payload: 'bye' } }, 'connect', ctx(5));
  encode(will, 5);
});

test('PUBLISH and SUBSCRIBE defaults encode', () => {
  const p = fillDefaults(
    { topic: 'a', qos: 1, payload: { hex: '00ff' } },
    'publish',
    ctx(5),
  ) as unknown as Record<string, unknown>;
  assert.equal(typeof p.messageId, 'number');
  assert.deepEqual(p.payload, Buffer.from([0, 255]));
  encode(p as never, 5);
  const s = fillDefaults({ topic: 'a/#', qos: 2 }, 'subscribe', ctx(5));
  encode(s, 5);
  const s2 = fillDefaults({ subscriptions: [{ topic: 'a' }, { topic: 'b', qos: 1 }] }, 'subscribe', ctx(4));
  encode(s2, 4);
  const u = fillDefaults({ topic: 'a' }, 'unsubscribe', ctx(4));
  encode(u, 4);
  encode(fillDefaults({ messageId: 3 }, 'pubrel', ctx(4)), 4);
  encode(fillDefaults({}, 'disconnect', ctx(5)), 5);
});

test('payload forms', () => {
  assert.equal(toPayload('hi').toString(), 'hi');
  assert.equal(toPayload({ size: 3 }).length, 3);
  assert.equal(toPayload(12).toString(), '12');
  assert.equal(toPayload(undefined).length, 0);
});
