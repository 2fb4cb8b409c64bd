// The "generator saturated" verdict: it fires when the generator cannot keep up with its own work (a busy loop
// in the generator's thread starves it on purpose), and not when the generator is idle but not scheduled
// (`crucible start`'s smoke run with its whole process stopped and continued, as on a loaded machine).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { startBroker } from '../../reference-broker/src/index.ts';
import type { ResultsDocument } from '../results/model.ts';
import { runLoad } from './index.ts';
import { profileFrom } from './testing.ts';

const MAIN = join(import.meta.dirname, '..', 'cli', 'main.ts');
const dir = mkdtempSync(join(tmpdir(), 'crucible-saturation-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const PROFILE = `kind: load
id: starved
duration: 4s
drain: 1s
groups:
  - name: subs
    count: 1
    subscribe: [ { filter: "sat/{run}/+", qos: 0 } ]
  - name: pubs
    count: 4
    publish: { topic: "sat/{run}/{i}", qos: 0, rate: 100/s, payload: 32 }
`;

describe('generator saturation', () => {
  test('a busy loop in the generator thread starves it: saturated', async () => {
    const b = await startBroker({ sysIntervalSeconds: 0 }, { log: () => {} });
    // Clients run in this thread (workers: 0); this loop holds the thread 140 ms at a time, 10 ms apart.
    const hog = setInterval(() => {
      const end = performance.now() + 140;
      while (performance.now() < end) {
        /* starve the generator */
      }
    }, 10);
    try {
      const r = await runLoad(profileFrom(PROFILE), { brokerUrl: b.listeners[0]!.url, workers: 0 });
      assert.equal(r.generator.saturated, true, JSON.stringify(r.generator));
      assert.ok(r.generator.warnings.some((w) => w.startsWith('generator saturated')));
    } finally {
      clearInterval(hog);
      await b.close();
    }
  });

  test("start's smoke run, stopped and continued as on a loaded machine: stalls, not saturated", async () => {
    const out = join(dir, 'start');
    const r = await new Promise<{ code: number | null; log: string; stops: number }>((resolve) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', MAIN, 'start', '--skip-conform', '--out', out],
        {
          env: { ...process.env, NO_COLOR: '1' },
        },
      );
      let log = '';
      let stopper: NodeJS.Timeout | undefined;
      let stops = 0;
      const onData = (c: Buffer): void => {
        log += c.toString();
        // Once publishing is under way: the whole process is stopped 120 ms of every 300 ms (it is idle
        // between its sends, so its threads are not busy: it is simply not scheduled).
        if (!stopper && /start-smoke\]? +steady/.test(log)) {
          stopper = setInterval(() => {
            if (child.exitCode !== null || !child.kill('SIGSTOP')) return;
            stops++;
            setTimeout(() => child.kill('SIGCONT'), 120);
          }, 300);
        }
        if (stopper && /drain|PASS|FAIL/.test(log.slice(log.lastIndexOf('start-smoke')))) {
          clearInterval(stopper);
          child.kill('SIGCONT');
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      const killer = setTimeout(() => child.kill('SIGKILL'), 120_000);
      child.on('close', (code) => {
        clearTimeout(killer);
        clearInterval(stopper);
        resolve({ code, log, stops });
      });
    });
    assert.ok(r.stops >= 5, `the run was stopped and continued (${r.stops} times)\n${r.log}`);
    const doc = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as ResultsDocument;
    const g = doc.load?.[0]?.generator;
    assert.ok(g, r.log);
    assert.ok(g.sendLagMs.p99 > 10, `the stalls showed in the send lag (${g.sendLagMs.p99} ms)`);
    assert.equal(g.saturated, false, `${JSON.stringify(g)}\n${r.log}`);
    assert.doesNotMatch(r.log, /GENERATOR SATURATED|SATURATED/);
  });
});
