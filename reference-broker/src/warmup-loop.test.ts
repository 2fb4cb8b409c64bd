// The in-process warm-up runs the whole connect path WARMUP_LOOP times and leaves nothing behind; it
// stops at the first refusal; with a durable store (whose CONNACKs wait for the commit) it still runs.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Decoder, type Packet } from '../../src/protocol/codec.ts';
import { Broker } from './broker.ts';
import { type BrokerConfig, loadBrokerConfig, parseBrokerConfig } from './index.ts';
import { SqliteStore } from './persist/sqlite.ts';
import { plainConnect, WARMUP_LOOP, warmUpLoop } from './warmup-loop.ts';

function brokerOf(partial: Partial<BrokerConfig>): Broker {
  const r = parseBrokerConfig({ sysIntervalSeconds: 0, ...partial });
  assert.ok(r.ok);
  const b = new Broker(r.config);
  b.logger = () => {};
  return b;
}

/** Lets the closes the loop scheduled land. */
const settle = () => new Promise((r) => setImmediate(r));

test('the loop connects and disconnects WARMUP_LOOP clients and leaves no connection or session', async () => {
  const b = brokerOf({});
  try {
    await warmUpLoop(b, 'test', Date.now() + 60_000);
    await settle();
    assert.equal(b.stats.packetsReceived, 2 * WARMUP_LOOP); // a CONNECT and a DISCONNECT each
    assert.equal(b.connected, 0);
    assert.equal(b.conns.size, 0);
    assert.equal(b.sessions.size, 0);
  } finally {
    b.shutdown();
  }
});

test('the loop stops at the first refused CONNECT (a users file)', async () => {
  const loaded = loadBrokerConfig(join(import.meta.dirname, '..', 'configs', 'auth.yaml'));
  assert.ok(loaded.ok);
  const b = brokerOf(loaded.config);
  try {
    await warmUpLoop(b, 'test', Date.now() + 60_000);
    await settle();
    assert.equal(b.stats.packetsReceived, 1); // the first CONNECT, refused: no DISCONNECT, no second
    assert.equal(b.conns.size, 0);
  } finally {
    b.shutdown();
  }
});

test('with a durable store the loop runs in full and stores no session', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'crucible-warmup-loop-'));
  const b = brokerOf({ persistence: { path: join(dir, 'store.db'), sync: 'full' } });
  b.store = new SqliteStore(b.config.persistence!, () => {});
  try {
    await warmUpLoop(b, 'test', Date.now() + 60_000);
    await settle();
    assert.equal(b.stats.packetsReceived, 2 * WARMUP_LOOP);
    assert.equal(b.sessions.size, 0);
  } finally {
    b.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the plain CONNECT decodes for every level and a client id past one byte of Remaining Length', () => {
  for (const version of [4, 5] as const) {
    for (const id of ['a', 'x'.repeat(200)]) {
      const got: Packet[] = [];
      const d = new Decoder(version, { packet: (p) => got.push(p), error: (e) => assert.fail(String(e)) });
      d.push(plainConnect(version, id));
      assert.equal(got.length, 1);
      assert.deepEqual(
        [got[0]!.cmd, (got[0] as { clientId: string }).clientId, (got[0] as { clean: boolean }).clean],
        ['connect', id, true],
      );
    }
  }
});
