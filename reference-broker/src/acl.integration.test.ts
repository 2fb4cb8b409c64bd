// ACLs that hold, with real clients (MQTT.js 3.1.1 and 5.0, mosquitto_sub/pub) on the shipped
// configs/auth.yaml: subscribe rules also govern delivery through wildcard and shared filters and
// retained messages; wills go through the publish rules; %c / %u take hostile values literally;
// a client id belongs to the user whose session it names.
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Packet } from '../../src/protocol/codec.ts';
import { binaryMissing, requirePeer } from '../../src/transport/testing/peers/missing.ts';
import { loadBrokerConfig, type RunningBroker, ScramClient, startBroker } from './index.ts';
import { RawClient, until } from './testing/support.ts';

const configs = join(import.meta.dirname, '..', 'configs');
let broker: RunningBroker;
let url: string;
let port: number;
before(async () => {
  const r = loadBrokerConfig(join(configs, 'auth.yaml'));
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  broker = await startBroker({ ...r.config, sysIntervalSeconds: 0 }, { log: () => {} });
  url = broker.listeners[0]!.url;
  port = broker.listeners[0]!.port;
});
after(async () => {
  await broker.close();
});

const CRUCIBLE = { username: 'crucible', password: 'crucible-pass' };
const OTHER = { username: 'other', password: 'other-pass' };
let seq = 0;
const uid = (p: string) => `${p}-${process.pid}-${++seq}`;

function open(opts: IClientOptions): Promise<MqttClient> {
  return mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5000, ...CRUCIBLE, ...opts });
}

/** The CONNACK code of a refused MQTT.js connection (fails if it is accepted). */
async function refusedWith(opts: IClientOptions): Promise<number> {
  let c: MqttClient | undefined;
  try {
    c = await open(opts);
  } catch (e) {
    return Number((e as { code?: number }).code);
  }
  c.end(true);
  assert.fail(`connection accepted: ${JSON.stringify({ ...opts, password: undefined })}`);
}

/** The granted QoS, or the SUBACK failure code (MQTT.js rejects on a failure code). */
async function grant(c: MqttClient, filter: string): Promise<number> {
  try {
    return (await c.subscribeAsync(filter, { qos: 1 }))[0]!.qos;
  } catch (e) {
    const codes = (e as { packet?: { granted?: number[] } }).packet?.granted;
    if (codes) return codes[0]!;
    throw e;
  }
}

/** Topics a client receives, in order. */
function inbox(c: MqttClient): string[] {
  const got: string[] = [];
  c.on('message', (topic) => got.push(topic));
  return got;
}

async function publishMarker(pub: MqttClient, got: string[][], marker = `open/${uid('marker')}`) {
  await pub.publishAsync(marker, 'm', { qos: 1 });
  for (const g of got) await until(() => g.includes(marker), `${marker} at every subscriber`);
}

for (const protocolVersion of [4, 5] as const) {
  describe(`MQTT ${protocolVersion === 5 ? '5.0' : '3.1.1'} on configs/auth.yaml`, () => {
    test('wildcard and shared subscribers never receive topics their subscribe rules deny', async () => {
      const filters = ['#', '+/#', '+/+', `$share/${uid('g')}/#`];
      const subs = await Promise.all(filters.map(() => open({ protocolVersion, clientId: uid('w') })));
      const got = subs.map(inbox);
      for (const [i, f] of filters.entries()) {
        const granted = await subs[i]!.subscribeAsync(f, { qos: 1 });
        assert.ok(granted[0]!.qos <= 1, `${f} granted`);
      }
      const pub = await open({ protocolVersion, clientId: uid('p') });
      await pub.publishAsync('secret/plans', 'leak', { qos: 1 });
      await pub.publishAsync('secret/deeper/plans', 'leak', { qos: 0 });
      await publishMarker(pub, got);
      for (const [i, f] of filters.entries()) {
        assert.deepEqual(
          got[i]!.filter((t) => t.startsWith('secret/')),
          [],
          `${f} subscriber received a denied topic`,
        );
      }
      await Promise.all([...subs, pub].map((c) => c.endAsync()));
    });

    test('retained messages under a denied topic are not sent to a # subscriber', async () => {
      const pub = await open({ protocolVersion, clientId: uid('rp') });
      const kept = `open/${uid('kept')}`;
      await pub.publishAsync('secret/retained-plans', 'leak', { qos: 1, retain: true });
      await pub.publishAsync(kept, 'ok', { qos: 1, retain: true });
      const sub = await open({ protocolVersion, clientId: uid('rs') });
      const got = inbox(sub);
      await sub.subscribeAsync('#', { qos: 1 });
      await until(() => got.includes(kept), 'the allowed retained message');
      await publishMarker(pub, [got]);
      assert.deepEqual(
        got.filter((t) => t.startsWith('secret/')),
        [],
      );
      await pub.publishAsync(kept, '', { qos: 1, retain: true });
      await Promise.all([sub.endAsync(), pub.endAsync()]);
    });

    test('a will whose topic may not be published is refused at CONNECT (5 / 0x87)', async () => {
      const watcher = await open({ protocolVersion, clientId: uid('ww') });
      const got = inbox(watcher);
      await watcher.subscribeAsync('#', { qos: 0 });
      const code = await refusedWith({
        protocolVersion,
        clientId: uid('will'),
        will: { topic: 'denied/will', payload: Buffer.from('x'), qos: 0, retain: false },
      });
      assert.equal(code, protocolVersion === 5 ? 0x87 : 5);
      const pub = await open({ protocolVersion, clientId: uid('wp') });
      await publishMarker(pub, [got]);
      assert.deepEqual(
        got.filter((t) => t.startsWith('denied/')),
        [],
      );
      await Promise.all([watcher.endAsync(), pub.endAsync()]);
    });

    test('%c takes a client id with + # or / literally', async () => {
      const victim = `v${uid('victim')}`;
      const own = await open({ protocolVersion, clientId: victim });
      const got = inbox(own);
      await own.subscribeAsync(`clients/${victim}/#`, { qos: 1 });
      // the owner may use its own space
      await own.publishAsync(`clients/${victim}/own`, 'x', { qos: 1 });
      await until(() => got.includes(`clients/${victim}/own`), 'own message');
      for (const [clientId, filter] of [
        ['+', 'clients/+/#'],
        ['#', 'clients/#'],
        [`${victim}/x`, `clients/${victim}/x/#`],
      ] as const) {
        const c = await open({ protocolVersion, clientId, clean: true });
        const seen = inbox(c);
        assert.ok((await grant(c, filter)) >= 0x80, `client id ${clientId} subscribing ${filter}`);
        await own.publishAsync(`clients/${victim}/x/y`, 'x', { qos: 1 });
        await until(() => got.includes(`clients/${victim}/x/y`), 'the owner message');
        assert.deepEqual(seen, [], `client id ${clientId} received`);
        await c.endAsync();
      }
      // a hostile id may not publish into another client's space either (auth.yaml closes)
      const hash = await open({ protocolVersion, clientId: '#' });
      const closed = new Promise<void>((r) => hash.once('close', () => r()));
      hash.publish(`clients/${victim}/cmd`, 'x', { qos: 1 });
      await closed;
      await publishMarker(own, [got], `clients/${victim}/marker`);
      assert.ok(!got.includes(`clients/${victim}/cmd`), 'a client id # published into another space');
      hash.end(true);
      await own.endAsync();
    });

    test('%u takes a user name with + literally', async () => {
      const own = await open({ protocolVersion, clientId: uid('u') });
      const got = inbox(own);
      await own.subscribeAsync('users/crucible/#', { qos: 1 });
      const plus = await open({
        protocolVersion,
        clientId: uid('plus'),
        username: '+',
        password: 'plus-pass',
      });
      const seen = inbox(plus);
      assert.ok((await grant(plus, 'users/+/#')) >= 0x80);
      await own.publishAsync('users/crucible/mail', 'x', { qos: 1 });
      await until(() => got.includes('users/crucible/mail'), 'own mail');
      await publishMarker(own, [got], 'users/crucible/marker');
      assert.deepEqual(seen, []);
      await Promise.all([own.endAsync(), plus.endAsync()]);
    });

    test('another user neither takes over nor resumes a session', async () => {
      const id = uid('owned');
      const props = protocolVersion === 5 ? { properties: { sessionExpiryInterval: 60 } } : {};
      const owner = await open({ protocolVersion, clientId: id, clean: false, ...props });
      let ownerClosed = false;
      owner.on('close', () => {
        ownerClosed = true;
      });
      await owner.subscribeAsync(`clients/${id}/#`, { qos: 1 });
      const expected = protocolVersion === 5 ? 0x87 : 5;
      // take-over while connected
      assert.equal(
        await refusedWith({ protocolVersion, clientId: id, clean: false, ...OTHER, ...props }),
        expected,
      );
      assert.equal(await refusedWith({ protocolVersion, clientId: id, clean: true, ...OTHER }), expected);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(ownerClosed, false, 'the owner was disconnected');
      await owner.endAsync();
      // resume (or discard with clean start) while offline
      assert.equal(
        await refusedWith({ protocolVersion, clientId: id, clean: false, ...OTHER, ...props }),
        expected,
      );
      assert.equal(await refusedWith({ protocolVersion, clientId: id, clean: true, ...OTHER }), expected);
      // the owner still finds its session
      const back = await open({ protocolVersion, clientId: id, clean: false, ...props });
      assert.equal(back.connected, true);
      await back.endAsync();
      const gone = await open({ protocolVersion, clientId: id, clean: true });
      await gone.endAsync();
    });
  });
}

describe('SCRAM-SHA-256 on configs/auth.yaml', () => {
  test('a user authenticated by SCRAM cannot take over the client id of another user', async () => {
    const id = uid('scram-owned');
    const owner = await open({ protocolVersion: 5, clientId: id });
    const scram = new ScramClient('other', 'other-pass');
    const c = await RawClient.open(port, 5);
    c.send({
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 5,
      clientId: id,
      clean: true,
      keepalive: 0,
      properties: { authenticationMethod: 'SCRAM-SHA-256', authenticationData: scram.first() },
    } as Packet);
    const challenge = (await c.next('auth')) as unknown as { properties: { authenticationData: Buffer } };
    c.send({
      cmd: 'auth',
      reasonCode: 0x18,
      properties: {
        authenticationMethod: 'SCRAM-SHA-256',
        authenticationData: scram.final(challenge.properties.authenticationData),
      },
    } as Packet);
    const ack = (await c.next('connack')) as unknown as { reasonCode: number };
    assert.equal(ack.reasonCode, 0x87);
    await c.waitClosed();
    assert.equal(owner.connected, true);
    await owner.endAsync();
  });
});

describe('mosquitto clients on configs/auth.yaml', () => {
  test('mosquitto_sub -t # sees allowed retained and live topics, never secret/', async (t) => {
    if (!requirePeer(t, binaryMissing('/usr/bin/mosquitto_sub', 'mosquitto-clients'))) return;
    const base = ['-h', '127.0.0.1', '-p', String(port), '-u', 'crucible', '-P', 'crucible-pass'];
    const pub = (topic: string, payload: string, retain = false) =>
      new Promise<void>((resolve, reject) =>
        execFile(
          '/usr/bin/mosquitto_pub',
          [...base, '-t', topic, '-m', payload, '-q', '1', ...(retain ? ['-r'] : [])],
          { timeout: 10_000 },
          (e) => (e ? reject(e) : resolve()),
        ),
      );
    const kept = `open/${uid('msub')}`;
    await pub('secret/mosquitto-plans', 'leak', true);
    await pub(kept, 'ok', true);
    const sub: ChildProcess = spawn('/usr/bin/mosquitto_sub', [...base, '-t', '#', '-v', '-q', '1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    sub.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
    });
    try {
      await until(() => out.includes(kept), 'the allowed retained message at mosquitto_sub', 10_000);
      await pub('secret/mosquitto-live', 'leak');
      const marker = `open/${uid('mmarker')}`;
      await pub(marker, 'm');
      await until(() => out.includes(marker), 'the marker at mosquitto_sub', 10_000);
      assert.doesNotMatch(out, /^secret\//m);
    } finally {
      sub.kill();
      await pub(kept, '', true);
    }
  });
});
