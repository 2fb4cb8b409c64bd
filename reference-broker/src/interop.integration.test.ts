// Interoperability: MQTT.js (3.1.1 and 5.0) and mosquitto_pub / mosquitto_sub exchange messages
// through the reference broker over tcp, tls, ws and wss.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import mqtt from 'mqtt';
import { binaryMissing, requirePeer } from '../../src/transport/testing/peers/missing.ts';
import { type RunningBroker, startBroker } from './index.ts';
import { makeCert } from './testing/support.ts';

let broker: RunningBroker;
let cert: { cert: string; key: string };

before(async () => {
  cert = makeCert();
  broker = await startBroker({
    listeners: [
      { kind: 'tcp', host: '127.0.0.1', port: 0 },
      { kind: 'tls', host: '127.0.0.1', port: 0, cert: cert.cert, key: cert.key },
      { kind: 'ws', host: '127.0.0.1', port: 0, path: '/mqtt' },
      { kind: 'wss', host: '127.0.0.1', port: 0, path: '/mqtt', cert: cert.cert, key: cert.key },
    ],
  });
});
after(async () => {
  await broker.close();
});

function url(kind: string): string {
  return broker.listeners.find((l) => l.kind === kind)!.url;
}

async function exchange(kind: string, version: 4 | 5, qos: 0 | 1 | 2): Promise<void> {
  const opts = {
    protocolVersion: version,
    rejectUnauthorized: false,
    reconnectPeriod: 0,
    connectTimeout: 5000,
  } as const;
  const topic = `interop/${kind}/${version}/${qos}`;
  const sub = await mqtt.connectAsync(url(kind), opts);
  const pub = await mqtt.connectAsync(url(kind), opts);
  try {
    await sub.subscribeAsync(`${topic}/+`, { qos });
    const n = 20;
    const got: string[] = [];
    const done = new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`only ${got.length}/${n} messages over ${kind}`)), 10000);
      sub.on('message', (_t, payload, packet) => {
        got.push(payload.toString());
        assert.equal(packet.qos, qos);
        if (got.length === n) {
          clearTimeout(t);
          resolve();
        }
      });
    });
    for (let i = 0; i < n; i++) await pub.publishAsync(`${topic}/x`, `m${i}`, { qos });
    await done;
    assert.deepEqual(
      got,
      Array.from({ length: n }, (_, i) => `m${i}`),
    );
  } finally {
    await sub.endAsync();
    await pub.endAsync();
  }
}

describe('MQTT.js through the reference broker', () => {
  for (const kind of ['tcp', 'tls', 'ws', 'wss']) {
    for (const version of [4, 5] as const) {
      test(`${kind} MQTT ${version === 4 ? '3.1.1' : '5.0'} QoS 0/1/2`, async () => {
        for (const qos of [0, 1, 2] as const) await exchange(kind, version, qos);
      });
    }
  }

  test('MQTT 3.1 (MQIsdp) over tcp and over ws with the mqttv3.1 subprotocol', async () => {
    for (const kind of ['tcp', 'ws']) {
      const opts = {
        protocolId: 'MQIsdp',
        protocolVersion: 3,
        reconnectPeriod: 0,
        clientId: `v31${kind}`,
        ...(kind === 'ws' ? { wsOptions: { protocol: 'mqttv3.1' } } : {}),
      } as const;
      const c = await mqtt.connectAsync(url(kind), opts as mqtt.IClientOptions);
      await c.subscribeAsync(`v31/${kind}`, { qos: 1 });
      const got = new Promise<string>((r) => c.on('message', (_t, p) => r(p.toString())));
      await c.publishAsync(`v31/${kind}`, 'old but fine', { qos: 1 });
      assert.equal(await got, 'old but fine');
      await c.endAsync();
    }
  });

  test('MQTT 5 properties are forwarded unaltered and in order', async () => {
    const opts = { protocolVersion: 5, reconnectPeriod: 0 } as const;
    const sub = await mqtt.connectAsync(url('tcp'), opts);
    const pub = await mqtt.connectAsync(url('tcp'), opts);
    try {
      await sub.subscribeAsync('props/t', { qos: 1 });
      const got = new Promise<mqtt.IPublishPacket>((r) => sub.on('message', (_t, _p, pk) => r(pk)));
      await pub.publishAsync('props/t', '{"a":1}', {
        qos: 1,
        properties: {
          payloadFormatIndicator: true,
          contentType: 'application/json',
          responseTopic: 'props/reply',
          correlationData: Buffer.from('1234'),
          userProperties: { b: '2', a: ['1', '3'] },
        },
      });
      const pk = await got;
      const p = pk.properties!;
      assert.equal(p.payloadFormatIndicator, true);
      assert.equal(p.contentType, 'application/json');
      assert.equal(p.responseTopic, 'props/reply');
      assert.equal(p.correlationData?.toString(), '1234');
      assert.deepEqual(Object.entries(p.userProperties ?? {}), [
        ['b', '2'],
        ['a', ['1', '3']],
      ]);
    } finally {
      await sub.endAsync();
      await pub.endAsync();
    }
  });
});

function runTool(
  cmd: string,
  args: string[],
  timeoutMs: number,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => {
      out += d;
    });
    p.stderr.on('data', (d) => {
      out += d;
    });
    const t = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('close', (code) => {
      clearTimeout(t);
      resolve({ code, out });
    });
  });
}

describe('mosquitto_pub / mosquitto_sub through the reference broker', () => {
  const variants: Array<[string, string, string[]]> = [
    ['tcp', 'mqttv311', []],
    ['tcp', 'mqttv5', []],
    ['tls', 'mqttv311', ['--insecure']],
    ['ws', 'mqttv311', []],
  ];
  for (const [kind, proto, extra] of variants) {
    test(`${kind} ${proto}`, async (t) => {
      if (!requirePeer(t, binaryMissing('/usr/bin/mosquitto_sub', 'mosquitto-clients'))) return;
      const l = broker.listeners.find((x) => x.kind === kind)!;
      const conn = ['-h', '127.0.0.1', '-p', String(l.port), '-V', proto, ...extra];
      if (kind === 'tls') conn.push('--cafile', cert.cert);
      if (kind === 'ws') {
        // mosquitto clients speak WebSockets only when built with it; probe first
        const probe = await runTool('/usr/bin/mosquitto_pub', [...conn, '--ws', '-t', 'x', '-m', 'y'], 5000);
        if (probe.code !== 0) {
          t.skip('mosquitto clients built without WebSocket support');
          return;
        }
        conn.push('--ws');
      }
      const topic = `mosq/${kind}/${proto}`;
      // mosquitto_pub -r leaves a retained message, so the subscriber cannot miss it
      const pub = await runTool(
        '/usr/bin/mosquitto_pub',
        [...conn, '-t', topic, '-m', 'hello-from-pub', '-q', '1', '-r'],
        10000,
      );
      assert.equal(pub.code, 0, pub.out);
      const sub = await runTool(
        '/usr/bin/mosquitto_sub',
        [...conn, '-t', topic, '-C', '1', '-W', '10'],
        15000,
      );
      assert.equal(sub.code, 0, sub.out);
      assert.equal(sub.out.trim(), 'hello-from-pub');
      // and mosquitto_sub receives what MQTT.js publishes live
      const subP = runTool(
        '/usr/bin/mosquitto_sub',
        [...conn, '-t', `${topic}/live`, '-C', '1', '-W', '10', '-q', '1'],
        15000,
      );
      const m = await mqtt.connectAsync(url('tcp'), { reconnectPeriod: 0 });
      let res: { code: number | null; out: string } | undefined;
      void subP.then((r) => {
        res = r;
      });
      for (let i = 0; i < 100 && res === undefined; i++) {
        await m.publishAsync(`${topic}/live`, 'live', { qos: 1 });
        await new Promise((r) => setTimeout(r, 100));
      }
      await m.endAsync();
      const r = await subP;
      assert.equal(r.code, 0, r.out);
      assert.equal(r.out.trim(), 'live');
    });
  }
});
