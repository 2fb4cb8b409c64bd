import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadBrokerConfig, parseBrokerConfig } from './parse.ts';
import { DEFAULT_CONFIG } from './schema.ts';

function problems(obj: unknown): string[] {
  const r = parseBrokerConfig(obj);
  assert.equal(r.ok, false);
  return r.ok ? [] : r.problems.map((p) => `${p.key}: ${p.message}`);
}

describe('parseBrokerConfig', () => {
  test('empty config gives the documented defaults (source-checklist B1)', () => {
    const r = parseBrokerConfig({});
    assert.ok(r.ok);
    assert.equal(r.config.allowLinkStealing, true);
    assert.equal(r.config.receiveMaximum, 65535);
    assert.equal(r.config.topicAliasMaximum, 65535);
    assert.equal(r.config.maximumPacketSize, 268435455);
    assert.equal(r.config.serverKeepAlive, 60);
    assert.equal(r.config.defaultSessionExpiryInterval, -1);
    assert.equal(r.config.sessionScanIntervalMs, 5000);
    assert.equal(r.config.closeOnPublishAuthorizationFailure, true);
    assert.deepEqual(r.config.listeners, DEFAULT_CONFIG.listeners);
    // limits (docs/security.md (Limits))
    assert.equal(r.config.maxOutputBufferBytes, 16 * 1024 * 1024);
    assert.equal(r.config.maxConnectPacketSize, 256 * 1024);
    assert.equal(r.config.maxQueuedBytes, 64 * 1024 * 1024);
    assert.equal(r.config.maxSubscriptionsPerClient, 1000);
    assert.equal(r.config.maxRetainedMessages, 100_000);
    assert.equal(r.config.maxRetainedBytes, 256 * 1024 * 1024);
    assert.equal(r.config.maximumSessionExpiryInterval, 7 * 86400);
  });

  test('the output cap cannot be below the slow-consumer threshold; missing files are named', () => {
    const p = problems({
      maxWriteBufferBytes: 1 << 20,
      maxOutputBufferBytes: 1 << 19,
      usersFile: '/nonexistent/users.txt',
    });
    assert.ok(p.some((x) => /^maxOutputBufferBytes: 524288 is below maxWriteBufferBytes/.test(x)));
    assert.ok(p.some((x) => /^usersFile: cannot read \/nonexistent\/users\.txt: no such file/.test(x)));
  });

  test('special values are accepted', () => {
    const r = parseBrokerConfig({
      receiveMaximum: -1,
      topicAliasMaximum: 0,
      maximumPacketSize: -1,
      serverKeepAlive: -1,
    });
    assert.ok(r.ok);
    assert.equal(r.config.topicAliasMaximum, 0);
  });

  test('forbidden zero values are refused naming the key and the allowed values', () => {
    const p = problems({ receiveMaximum: 0, maximumPacketSize: 0 });
    assert.equal(p.length, 2);
    assert.match(p[0]!, /^receiveMaximum: 0 is not allowed; allowed: 1\.\.65535, or -1/);
    assert.match(p[1]!, /^maximumPacketSize: 0 is not allowed; allowed: 1\.\.268435455, or -1/);
  });

  test('wrong types and out-of-range values are all reported', () => {
    const p = problems({ allowLinkStealing: 'yes', serverKeepAlive: 70000, maximumQoS: 3, bogus: 1 });
    assert.equal(p.length, 4);
    assert.match(p[0]!, /allowLinkStealing: got "yes"; allowed: true or false/);
    assert.match(p[1]!, /serverKeepAlive: got 70000; allowed: 0\.\.65535 seconds/);
    assert.match(p[2]!, /maximumQoS: got 3; allowed: 0, 1, 2/);
    assert.match(p[3]!, /bogus: unknown setting; allowed keys: /);
  });

  test('listeners: kind, port, path and certificates are checked', () => {
    const p = problems({
      listeners: [
        { kind: 'udp', port: 1 },
        { kind: 'tcp', port: 70000 },
        { kind: 'tls', port: 0 },
        { kind: 'ws', port: 0, path: 'mqtt' },
      ],
    });
    assert.ok(p.some((x) => /listeners\[0\]\.kind: got "udp"; allowed: tcp, tls, ws, wss/.test(x)));
    assert.ok(p.some((x) => /listeners\[1\]\.port/.test(x)));
    assert.ok(p.some((x) => /listeners\[2\]\.cert: required for tls/.test(x)));
    assert.ok(p.some((x) => /listeners\[3\]\.path/.test(x)));
  });

  test('unknown faults are named with the list of known ones', () => {
    const p = problems({ faults: ['no-puback', 'nope'] });
    assert.match(p[0]!, /faults: unknown fault \["nope"\]; allowed: no-pubrec, no-puback/);
  });

  test('string values from flags are converted', () => {
    const r = parseBrokerConfig({ receiveMaximum: '10', allowLinkStealing: 'false', maximumQoS: '1' });
    assert.ok(r.ok);
    assert.equal(r.config.receiveMaximum, 10);
    assert.equal(r.config.allowLinkStealing, false);
    assert.equal(r.config.maximumQoS, 1);
  });

  test('every bundled configs/*.yaml file is valid', () => {
    const dir = join(import.meta.dirname, '..', '..', 'configs');
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    assert.ok(files.length >= 7);
    for (const f of files) {
      const r = loadBrokerConfig(join(dir, f));
      assert.ok(r.ok, `${f}: ${r.ok ? '' : JSON.stringify(r.problems)}`);
      assert.equal(r.config.listeners[0]!.port, 0);
    }
  });
});
