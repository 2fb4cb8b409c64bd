import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { findRabbit, rabbitSkipReason } from './rabbitmq.ts';

describe('finding the RabbitMQ peer', () => {
  const saved = process.env.CI;
  const dirs: string[] = [];
  afterEach(() => {
    if (saved === undefined) delete process.env.CI;
    else process.env.CI = saved;
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const lib = (layout: Record<string, string[]>): string => {
    const root = mkdtempSync(join(tmpdir(), 'crucible-rabbit-lib-'));
    dirs.push(root);
    for (const [server, plugins] of Object.entries(layout))
      for (const p of plugins) mkdirSync(join(root, server, 'plugins', p), { recursive: true });
    return root;
  };

  test('reads the version and whether Web MQTT is there; the highest version wins', () => {
    const found = findRabbit(
      lib({
        'rabbitmq_server-3.9.29': ['rabbitmq_mqtt-3.9.29'],
        'rabbitmq_server-3.10.8': ['rabbitmq_mqtt-3.10.8', 'rabbitmq_web_mqtt-3.10.8'],
      }),
    );
    if (typeof found === 'string') {
      assert.match(found, /epmd not found/); // only on a machine without Erlang
      return;
    }
    assert.equal(found.version, '3.10.8');
    assert.equal(found.webMqtt, true);
  });

  test('a server without the MQTT plugin is not usable, and says how to install', () => {
    const found = findRabbit(lib({ 'rabbitmq_server-3.10.8': ['rabbitmq_stomp-3.10.8'] }));
    assert.equal(typeof found, 'string');
    assert.match(found as string, /apt-get install -y rabbitmq-server/);
  });

  test('a missing peer is skipped locally and is an error under any non-empty CI', () => {
    const why = findRabbit(join(tmpdir(), 'crucible-no-such-dir'));
    assert.equal(typeof why, 'string');
    delete process.env.CI;
    assert.equal(rabbitSkipReason(why), why);
    process.env.CI = '1';
    assert.throws(
      () => rabbitSkipReason(why),
      /integration peer missing: .*apt-get install -y rabbitmq-server/,
    );
  });
});
