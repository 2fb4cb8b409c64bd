// Broker-level scenarios of the fault switches added with the generated case families (overlapping
// subscriptions, keep alive, will timers, the strict checker's rules, MQTT 3.1): each makes the broker
// misbehave in its one documented way. Used by faults.integration.test.ts.
import assert from 'node:assert/strict';
import type { Packet } from '../../../src/protocol/codec.ts';
import { pub, rec, sub } from './fault-helpers.ts';
import { RawClient } from './support.ts';

export const FAMILY_FAULT_SCENARIOS: Record<string, (port: number) => Promise<void>> = {
  'overlap-lowest-qos': async (port) => {
    const [s] = await RawClient.connect(port, 4);
    s.send({
      cmd: 'subscribe',
      messageId: 1,
      subscriptions: [
        { topic: 'f/o', qos: 1 },
        { topic: 'f/+', qos: 0 },
      ],
    } as unknown as Packet);
    await s.next('suback');
    const [p] = await RawClient.connect(port, 4);
    p.send(pub('f/o', 'x', { qos: 1, messageId: 1 }));
    const got = await s.next('publish');
    assert.equal(rec(got).qos, 0, 'one copy, at the lower QoS');
  },
  'keepalive-pingreq-only': async (port) => {
    const [c] = await RawClient.connect(port, 4, { keepalive: 1 });
    // PUBLISH traffic every 300 ms is activity; with the fault only PINGREQ counts
    for (let i = 0; i < 10 && !c.closed; i++) {
      c.send(pub('f/k', 'x'));
      await new Promise((r) => setTimeout(r, 300));
    }
    assert.equal(c.closed, true);
  },
  'will-outlives-session': async (port) => {
    const w = await sub(port, 5, 'f/wo', 0);
    const [c] = await RawClient.connect(port, 5, {
      clean: true,
      properties: { sessionExpiryInterval: 1 },
      will: { topic: 'f/wo', payload: Buffer.from('w'), qos: 0, properties: { willDelayInterval: 4 } },
    });
    c.destroy();
    const got = await w.drain(2500);
    assert.deepEqual(
      got.map((x) => x.cmd),
      [],
      'the will waits for its delay although the session ended after 1 s',
    );
  },
  'qos0-packet-id': async (port) => {
    const s = await sub(port, 4, 'f/q0', 0);
    const [p] = await RawClient.connect(port, 4);
    p.send(pub('f/q0', 'x', { qos: 1, messageId: 7 }));
    const got = rec(await s.next('publish'));
    assert.equal(got.qos, 0);
    // read as QoS 0, the Packet Identifier the broker put in shows as the first payload bytes
    assert.deepEqual([...(got.payload as Buffer)], [0x00, 0x01, 0x78]);
  },
  'packet-after-refusal': async (port) => {
    // 3.1.1: an empty client id with Clean Session 0 is refused (return code 2)
    const c = await RawClient.open(port, 4);
    c.sendRaw(Buffer.from('100c00044d5154540400000000' + '00', 'hex').subarray(0, 14));
    assert.equal(rec(await c.next('connack')).returnCode, 2);
    assert.equal((await c.next()).cmd, 'pingresp');
  },
  'mqtt31-long-client-id-accepted': async (port) => {
    const [, ack] = await RawClient.connect(port, 3, { clientId: 'a'.repeat(30) });
    assert.equal(rec(ack).returnCode, 0);
  },
};
