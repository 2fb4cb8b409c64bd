// The MQTT 3.1 probe: a broker that accepts an MQIsdp level 3 CONNECT speaks 3.1; one that answers it with
// return code 1 (or closes) does not, while still speaking 3.1.1 and 5.0.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type ScriptedServer, startScriptedServer } from '../engine/testing/scripted-server.ts';
import { startReference } from '../transport/testing/peers/reference.ts';
import { detectCapabilities } from './capabilities.ts';

/** Accepts 3.1.1 and 5.0 CONNECTs; answers an MQIsdp CONNECT with return code 1 and closes. */
function startNo31Broker(): Promise<ScriptedServer> {
  return startScriptedServer((s, b) => {
    const nameLen = b.readUInt16BE(2);
    const level = b[4 + nameLen];
    if (level === 3) s.end(Buffer.from([0x20, 0x02, 0x00, 0x01]));
    else if (level === 5) s.write(Buffer.from([0x20, 0x03, 0x00, 0x00, 0x00]));
    else s.write(Buffer.from([0x20, 0x02, 0x00, 0x00]));
  });
}

describe('MQTT 3.1 capability probe', () => {
  test('the reference broker speaks 3.1', async () => {
    const target = await startReference('default');
    try {
      const caps = await detectCapabilities({ brokerUrl: target.tcpUrl, timeoutMs: 3000 });
      assert.equal(caps.mqtt31, true);
      assert.equal(caps.mqtt311, true);
    } finally {
      await target.broker.close();
    }
  });

  test('a broker answering MQIsdp with return code 1 does not, and still speaks 3.1.1 and 5.0', async () => {
    const b = await startNo31Broker();
    try {
      const caps = await detectCapabilities({ brokerUrl: `mqtt://127.0.0.1:${b.port}`, timeoutMs: 3000 });
      assert.equal(caps.mqtt31, false);
      assert.equal(caps.mqtt311, true);
      assert.equal(caps.mqtt5, true);
    } finally {
      await b.stop();
    }
  });
});
