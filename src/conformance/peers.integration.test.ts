// The suites against real third-party brokers, each held to its committed baseline of expected deviations:
// the run fails when a result moves against the baseline (a new deviation, or a worse outcome).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { CaseResult } from '../results/model.ts';
import { startAedes } from '../transport/testing/peers/aedes.ts';
import { mosquittoSkipReason, startMosquitto } from '../transport/testing/peers/mosquitto.ts';
import {
  findRabbit,
  rabbitSkipReason,
  startRabbit,
  strayProcesses,
} from '../transport/testing/peers/rabbitmq.ts';
import { compareWithBaseline, loadBaseline, movedAgainst } from './baseline.ts';
import { REPO_ROOT } from './suites.ts';
import { bundledCases, conformAgainst } from './testing/reference.ts';

function checkAgainstBaseline(broker: string, results: CaseResult[]): void {
  const dir = join(REPO_ROOT, 'suites', 'baselines', broker);
  assert.ok(existsSync(dir), `no baseline for ${broker}: record one in ${dir} (see docs/brokers.md)`);
  const { entries, problems } = loadBaseline(dir);
  assert.deepEqual(problems, [], `baseline ${dir} has problems`);
  const cmp = compareWithBaseline(results, entries);
  const lines = [
    ...cmp.unexpected.map(
      (r) =>
        `NEW   ${r.version} ${r.id} [${r.statements.join(',')}] ${r.outcome}: ${r.failure?.message ?? r.reason ?? ''}`,
    ),
    ...cmp.worse.map(
      (w) =>
        `WORSE ${w.result.version} ${w.result.id}: baseline ${w.entry.outcome}, now ${w.result.outcome}: ${w.result.failure?.message ?? ''}`,
    ),
  ];
  const counts = results.reduce<Record<string, number>>((acc, r) => {
    acc[r.outcome] = (acc[r.outcome] ?? 0) + 1;
    return acc;
  }, {});
  console.log(
    `${broker}: ${JSON.stringify(counts)}; baseline matched ${cmp.matched}, better ${cmp.better.length}`,
  );
  assert.equal(movedAgainst(cmp), false, `${broker} moved against its baseline:\n${lines.join('\n')}`);
}

describe('third-party brokers against their baselines', () => {
  test('mosquitto 2.0.11 (Debian)', { skip: mosquittoSkipReason() }, async () => {
    const m = await startMosquitto();
    try {
      const results = await conformAgainst(
        { tcpUrl: `mqtt://127.0.0.1:${m.tcp}`, wsUrl: `ws://127.0.0.1:${m.ws}/mqtt` },
        'mosquitto',
        await bundledCases(),
      );
      checkAgainstBaseline('mosquitto-2.0.11', results);
    } finally {
      await m.stop();
    }
  });

  test('aedes 1.2.0 (npm)', async () => {
    const a = await startAedes();
    try {
      const results = await conformAgainst(
        { tcpUrl: `mqtt://127.0.0.1:${a.tcp}`, wsUrl: `ws://127.0.0.1:${a.ws}/mqtt` },
        'aedes',
        await bundledCases(),
      );
      assert.ok(
        results.filter((r) => r.version === '5.0').every((r) => r.outcome === 'not-applicable'),
        'aedes 1.x has no MQTT 5',
      );
      checkAgainstBaseline('aedes-1.2.0', results);
    } finally {
      await a.stop();
    }
  });

  const rabbit = findRabbit();
  const rabbitVersion = typeof rabbit === 'string' ? '' : ` ${rabbit.version}`;
  test(`RabbitMQ${rabbitVersion} with rabbitmq_mqtt (Debian)`, { skip: rabbitSkipReason() }, async () => {
    const r = await startRabbit();
    try {
      const results = await conformAgainst(
        { tcpUrl: `mqtt://127.0.0.1:${r.mqtt}`, ...(r.ws ? { wsUrl: `ws://127.0.0.1:${r.ws}/ws` } : {}) },
        'rabbitmq',
        await bundledCases(),
      );
      // The 3.x plugin refuses a version 5 CONNECT: detection must make every 5.0 case not applicable, not failed.
      if (/^3\.(?:[0-9]|1[0-2])\./.test(r.version))
        assert.ok(
          results.filter((c) => c.version === '5.0').every((c) => c.outcome === 'not-applicable'),
          `RabbitMQ ${r.version} has no MQTT 5`,
        );
      if (r.ws)
        assert.ok(
          results.some((c) => c.id.startsWith('websocket.') && c.outcome !== 'not-applicable'),
          'the Web MQTT endpoint was detected, so the WebSocket cases ran',
        );
      checkAgainstBaseline(`rabbitmq-${r.version}`, results);
    } finally {
      await r.stop();
    }
    assert.deepEqual(strayProcesses(r.node), [], 'the node, its epmd and port programs are all gone');
  });
});
