// Live progress of a load run against the reference broker, and an unreachable broker through the real CLI:
// progress shows up while clients connect, and a run against a port nobody listens on ends at once with exit 4.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { startBroker } from '../../reference-broker/src/index.ts';
import type { LoadProgress } from '../results/events.ts';
import { freePort } from '../transport/testing/ports.ts';
import { runLoad } from './index.ts';
import { profileFrom } from './testing.ts';

const MAIN = join(import.meta.dirname, '..', 'cli', 'main.ts');
const dir = mkdtempSync(join(tmpdir(), 'crucible-progress-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// 12 clients at 4 connects a second: about three seconds of connecting before publishing starts.
const SLOW_CONNECT = `kind: load
id: slow-connect
duration: 1s
drain: 1s
groups:
  - name: subs
    count: 2
    subscribe: [ { filter: "progress/{run}/+", qos: 0 } ]
  - name: pubs
    count: 10
    connect: { rate: 4/s }
    publish: { topic: "progress/{run}/{i}", qos: 0, rate: 10/s, payload: 32 }
`;

describe('load progress', () => {
  test('progress events while clients connect: connected of the total, then elapsed of total', async () => {
    const b = await startBroker({ sysIntervalSeconds: 0 }, { log: () => {} });
    try {
      const events: LoadProgress[] = [];
      const r = await runLoad(profileFrom(SLOW_CONNECT), {
        brokerUrl: b.listeners[0]!.url,
        workers: 0,
        onProgress: (p) => events.push(p),
      });
      const connecting = events.filter((e) => e.phase === 'connect');
      assert.ok(connecting.length >= 1, `progress while connecting: ${JSON.stringify(events)}`);
      for (const e of connecting) {
        assert.equal(e.clients, 12);
        assert.ok(e.connected < 12, 'reported before everyone was connected');
      }
      const publishing = events.filter((e) => e.phase !== 'connect' && e.phase !== 'start');
      assert.ok(publishing.length >= 1);
      assert.equal(publishing[0]?.durationMs, 1000);
      assert.equal(
        r.groups.reduce((s, g) => s + g.connected, 0),
        12,
      );
    } finally {
      await b.close();
    }
  });

  test('an unreachable broker ends a long load run at once with exit 4, naming the URL', async () => {
    const port = await freePort();
    const file = join(dir, 'long.yaml');
    writeFileSync(file, SLOW_CONNECT.replace('duration: 1s', 'duration: 10m'));
    const r = await new Promise<{ code: number; out: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', MAIN, 'run', file, '--broker', `mqtt://127.0.0.1:${port}`],
        { timeout: 60_000 },
        (err, stdout, stderr) =>
          resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, out: stdout + stderr }),
      );
    });
    assert.equal(r.code, 4, r.out);
    assert.match(r.out, new RegExp(`unreachable.*127\\.0\\.0\\.1:${port}`));
    assert.doesNotMatch(r.out, /\n\s+at /, 'no stack trace');
  });
});
