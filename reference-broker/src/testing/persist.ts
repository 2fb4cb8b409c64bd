// Support for the persistence tests: a broker process on a store in a temporary directory,
// restarted on the same port, and MQTT.js clients with persistent sessions.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Packet } from '../../../src/protocol/codec.ts';
import {
  type BrokerProcess,
  startBrokerProcess,
} from '../../../src/transport/testing/peers/reference-process.ts';
import { RawClient, until } from './support.ts';

export type P = Record<string, unknown>;
export const rec = (p: Packet) => p as unknown as P;

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

export function storePath(): string {
  const d = mkdtempSync(join(tmpdir(), 'crucible-store-'));
  dirs.push(d);
  return join(d, 'store.db');
}

/** A broker process on port (0 = a free one) with the store at path (undefined = memory only). */
export function broker(
  path: string | undefined,
  port = 0,
  storeFaults: string[] = [],
): Promise<BrokerProcess> {
  return startBrokerProcess(
    {
      listeners: [{ kind: 'tcp', host: '127.0.0.1', port }],
      ...(path ? { persistence: { path, sync: 'normal' } } : {}),
      maxQueuedMessages: 5000,
    },
    15_000,
    { storeFaults },
  );
}

/**
 * The broker kills itself (SIGKILL) right after the turn that stored a QoS 1 or 2 message for an
 * offline subscriber has sent its writes; it is then restarted on its store. Returns whether the
 * publisher got its PUBACK / PUBREC, and what the subscriber gets after the restart.
 */
export async function crashRightAfterAck(qos: 1 | 2, faults: string[]) {
  const path = storePath();
  let b = await broker(path, 0, ['crash-after-message', ...faults]);
  const port = b.port;
  const topic = `persist/crash/q${qos}`;
  const sub = `sub-crash-${qos}-${faults.length}`;
  await offlineSubscriber(port, sub, topic, qos);
  const [pub] = await RawClient.connect(port, 5, {
    clientId: 'crash-pub',
    clean: false,
    properties: { sessionExpiryInterval: 3600 },
  });
  pub.send({ cmd: 'publish', topic, payload: Buffer.from('m'), qos, messageId: 9 } as Packet);
  const ack = await pub.next(qos === 1 ? 'puback' : 'pubrec').catch(() => undefined);
  await until(() => b.exited() !== undefined, 'the broker to crash');
  b = await broker(path, port);
  try {
    let released = true;
    if (qos === 2) {
      const [pub2] = await RawClient.connect(port, 5, { clientId: 'crash-pub', clean: false });
      pub2.send({ cmd: 'pubrel', messageId: 9 } as Packet);
      released = (rec(await pub2.next('pubcomp')).reasonCode ?? 0) === 0;
      pub2.destroy();
    }
    const r = await resume(port, sub, 1, 1500);
    return { acked: ack !== undefined, released, got: r.got };
  } finally {
    await b.stop();
  }
}

export function client(port: number, opts: IClientOptions): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0, connectTimeout: 5000, ...opts });
    c.once('connect', () => resolve(c));
    c.once('error', (e) => {
      c.end(true);
      reject(e);
    });
  });
}

export function end(c: MqttClient): Promise<void> {
  return new Promise((r) => c.end(false, {}, () => r()));
}

/** Connects a persistent subscriber on filter at qos, then disconnects it cleanly. */
export async function offlineSubscriber(port: number, clientId: string, filter: string, qos: 1 | 2) {
  const c = await client(port, { clientId, clean: false, protocolVersion: 4 });
  await c.subscribeAsync(filter, { qos });
  await end(c);
}

/** Reconnects a persistent subscriber and collects payloads until count arrive, then a bit more. */
export async function resume(port: number, clientId: string, count: number, waitMs = 20_000) {
  const got: string[] = [];
  const c = mqtt.connect(`mqtt://127.0.0.1:${port}`, {
    clientId,
    clean: false,
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 5000,
  });
  c.on('message', (_t, payload) => got.push(payload.toString()));
  const ack = await new Promise<{ sessionPresent: boolean }>((resolve, reject) => {
    c.once('connect', (p) => resolve(p as unknown as { sessionPresent: boolean }));
    c.once('error', reject);
  });
  await until(() => got.length >= count, `${count} messages (got ${got.length})`, waitMs).catch(() => {});
  await new Promise((r) => setTimeout(r, 300)); // anything more would be a duplicate
  await end(c);
  return { sessionPresent: ack.sessionPresent, got };
}
