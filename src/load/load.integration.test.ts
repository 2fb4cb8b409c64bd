// Short load runs against real brokers: mosquitto (own instance) and the reference broker.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import { startBroker } from '../../reference-broker/src/index.ts';
import { runLoadFromCli } from '../cli/commands/run-load.ts';
import { startLoadMosquitto } from '../transport/testing/peers/mosquitto.ts';
import { runLoad } from './index.ts';
import { needMosquitto, profileFrom } from './testing.ts';

const QOS1 = `kind: load
id: qos1-steady
duration: 1500ms
drain: 2s
groups:
  - name: pubs
    count: 4
    publish: { topic: "ci/{run}/{i}", qos: 1, rate: 50/s, payload: 64 }
  - name: subs
    count: 2
    subscribe: [ { filter: "ci/{run}/+", qos: 1 } ]
thresholds:
  - delivered >= 100%
  - duplicates == 0
  - connect.failures == 0
  - deliver.intended.p99 < 5s
`;

function checkComplete(r: Awaited<ReturnType<typeof runLoad>>, sentExpected: number): void {
  const sent = r.groups.reduce((s, g) => s + g.sent, 0);
  assert.equal(sent, sentExpected, 'open model: every scheduled message is sent');
  assert.equal(r.ledger.expected, sent * 2);
  assert.equal(r.ledger.lost, 0, JSON.stringify(r.ledger.pairs));
  assert.equal(r.ledger.duplicated, 0);
  assert.equal(r.latency['deliver.intended']?.count, sent * 2);
  assert.equal(r.latency['deliver.actual']?.count, sent * 2);
  assert.equal(r.latency.puback?.count, sent);
  assert.equal(r.latency.sendLag?.count, sent);
  assert.equal(r.latency.connack?.count, 6);
  assert.equal(r.latency.suback?.count, 2);
  assert.equal(r.groups[0]?.latency.puback?.count, sent);
  assert.equal(r.groups[1]?.latency['deliver.intended']?.count, sent * 2);
  assert.ok(r.series.sent.reduce((a, b) => a + b, 0) === sent);
  assert.ok(
    r.thresholds.every((t) => t.passed),
    JSON.stringify(r.thresholds),
  );
  assert.ok((r.ledger as { raw?: unknown }).raw, 'per-pair ledger data for exact merging');
}

describe('load runs', () => {
  test('QoS 1 against mosquitto with two worker threads', async (t) => {
    if (!needMosquitto(t)) return;
    const m = await startLoadMosquitto();
    try {
      // Also rotates the source address over 127.0.0.1..3 (the path used past 25,000 clients).
      const r = await runLoad(profileFrom(QOS1), {
        brokerUrl: m.url,
        workers: 2,
        brokerLabel: 'mosquitto',
        localAddresses: 3,
      });
      assert.equal(r.generator.workers, 2);
      checkComplete(r, 300);
    } finally {
      await m.stop();
    }
  });

  test('QoS 1 against the reference broker, in-process clients', async () => {
    const b = await startBroker({ listeners: [{ kind: 'tcp', host: '127.0.0.1', port: 0 }] } as never, {
      log: () => {},
    });
    try {
      const r = await runLoad(profileFrom(QOS1), {
        brokerUrl: b.listeners[0]!.url,
        workers: 0,
        brokerLabel: 'reference',
      });
      checkComplete(r, 300);
    } finally {
      await b.close();
    }
  });

  test('thresholds decide the exit code; Ctrl-C (abort) still returns results', async (t) => {
    if (!needMosquitto(t)) return;
    const m = await startLoadMosquitto();
    try {
      const out = new PassThrough();
      let text = '';
      out.on('data', (d: Buffer) => {
        text += d.toString();
      });
      const failing = profileFrom(QOS1.replace('deliver.intended.p99 < 5s', 'deliver.intended.p50 < 1us'));
      const bad = await runLoadFromCli(
        [failing],
        { broker: m.url, workers: 0, durationMs: 500 },
        { out, signal: new AbortController().signal, plainEveryMs: 0, summary: true },
      );
      assert.equal(bad.exitCode, 2);
      assert.match(text, /FAIL deliver.intended.p50 < 1us/);
      const good = await runLoadFromCli(
        [profileFrom(QOS1)],
        { broker: m.url, workers: 0, durationMs: 500 },
        { out, signal: new AbortController().signal, summary: false },
      );
      assert.equal(good.exitCode, 0);

      const ac = new AbortController();
      const long = profileFrom(QOS1.replace('duration: 1500ms', 'duration: 60s'));
      // Interrupt once the first progress line shows publishing is under way.
      const watch = new PassThrough();
      watch.on('data', (d: Buffer) => {
        if (d.toString().includes('[qos1-steady] steady')) ac.abort();
      });
      const aborted = await runLoadFromCli(
        [long],
        { broker: m.url, workers: 1 },
        { out: watch, signal: ac.signal, isTTY: false, plainEveryMs: 0, summary: false },
      );
      assert.equal(aborted.results.length, 1);
      const r = aborted.results[0]!;
      assert.ok(r.generator.warnings.some((w) => w.startsWith('interrupted')));
      assert.ok(r.durationMs < 60_000);
      assert.ok(r.groups[0]!.sent > 0);
      assert.equal(r.ledger.lost, 0);
      assert.ok((r.latency['deliver.intended']?.count ?? 0) > 0);
    } finally {
      await m.stop();
    }
  });

  test('reconnect storm with persistent sessions and a $share group (mosquitto)', async (t) => {
    if (!needMosquitto(t)) return;
    const m = await startLoadMosquitto();
    try {
      const r = await runLoad(
        profileFrom(`kind: load
id: storm-share
version: '5.0'
readBatch: 2ms
groups:
  - name: devices
    count: 20
    clientId: "dev-{run}-{i}"
    clean: false
    sessionExpiry: 60
    publish: { topic: "st/{run}/{i}", qos: 1, rate: 20/s, payload: 40 }
  - name: backend
    count: 1
    clientId: "be-{run}"
    clean: false
    subscribe: [ { filter: "st/{run}/+", qos: 1 } ]
  - name: workers
    count: 3
    subscribe: [ { filter: "$share/w/st/{run}/+", qos: 1 } ]
phases:
  - { name: before, duration: 700ms }
  - { name: storm, type: reconnect-storm, duration: 700ms, fraction: 50%, groups: [devices], over: 200ms }
  - { name: after, duration: 700ms }
`),
        { brokerUrl: m.url, workers: 2 },
      );
      const dropped = r.counters['storm.dropped'] ?? 0;
      assert.ok(dropped > 0 && dropped < 20, `dropped ${dropped}`);
      assert.equal(r.latency.connack?.count, 24 + dropped);
      assert.equal(r.groups[0]?.connectFailures, 0);
      const sent = r.groups[0]!.sent;
      // Two streams: the backend, and the share group as a whole (each message to exactly one member).
      assert.equal(r.ledger.expected, 2 * sent);
      assert.equal(r.ledger.lost, 0, JSON.stringify(r.ledger.pairs));
      // At least once: a QoS 1 message in flight when a device dropped is resent with DUP after it
      // reconnects, and may arrive twice; every extra delivery is a duplicate the ledger counts.
      const dup = r.ledger.duplicated;
      for (const g of [r.groups[1], r.groups[2]]) {
        assert.ok(
          g && g.delivered >= sent && g.delivered <= sent + dup,
          `${g?.delivered} of ${sent} (+${dup})`,
        );
      }
    } finally {
      await m.stop();
    }
  });

  test('QoS 2 over ws:// through src/transport (reference broker)', async () => {
    const b = await startBroker({ listeners: [{ kind: 'ws', host: '127.0.0.1', port: 0 }] } as never, {
      log: () => {},
    });
    try {
      const r = await runLoad(
        profileFrom(`kind: load
id: ws
duration: 500ms
groups:
  - { name: p, count: 2, publish: { topic: "ws/{run}/{i}", qos: 2, rate: 40/s } }
  - { name: s, count: 1, version: "5.0", subscribe: [ { filter: "ws/{run}/+", qos: 2 } ] }
`),
        { brokerUrl: b.listeners[0]!.url, workers: 0 },
      );
      assert.equal(r.groups[0]?.sent, 40);
      assert.equal(r.groups[0]?.acked, 40);
      assert.equal(r.latency.pubcomp?.count, 40, 'QoS 2: PUBREC, PUBREL, PUBCOMP completed');
      assert.equal(r.latency.puback, undefined);
      assert.equal(r.groups[1]?.delivered, 40);
      assert.equal(r.ledger.byQos['2']?.delivered, 40);
      assert.equal(r.ledger.lost, 0);
    } finally {
      await b.close();
    }
  });

  test('unreachable broker gives exit code 4', async () => {
    const out = new PassThrough();
    out.resume();
    const p = profileFrom(QOS1.replace('count: 4', 'count: 1').replace('count: 2', 'count: 1'));
    p.groups.forEach((g) => {
      g.connect.timeoutMs = 1000;
    });
    const r = await runLoadFromCli(
      [p],
      { broker: 'mqtt://127.0.0.1:1', workers: 0, durationMs: 200 },
      { out, signal: new AbortController().signal, summary: false },
    );
    assert.equal(r.exitCode, 4);
  });
});
