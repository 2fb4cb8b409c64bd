// Live load progress as text: in CI logs (not a TTY) each periodic line reports the worst one-second p99
// since the previous line and the run's cumulative p99, never only the last second; connecting shows
// clients connected of the total; lines show elapsed of total time.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import type { LoadProgress } from '../results/events.ts';
import { ConsoleReporter } from './console.ts';
import { loadSummaryLines } from './load-text.ts';

function progress(over: Partial<LoadProgress>): LoadProgress {
  return {
    profile: 'p',
    elapsedMs: 0,
    durationMs: 30_000,
    phase: 'steady',
    clients: 100,
    connected: 100,
    sentPerSec: 1000,
    ackedPerSec: 1000,
    deliveredPerSec: 1000,
    p99Ms: 1,
    p99CumulativeMs: 1,
    errors: 0,
    saturated: false,
    ...over,
  };
}

function consoleLines(events: LoadProgress[]): string[] {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => {
    text += d.toString();
  });
  const r = new ConsoleReporter({ out, color: false });
  for (const e of events) r.onLoadProgress(e);
  return text.split('\n').filter((l) => l !== '');
}

describe('load progress lines (CI logs)', () => {
  test('a spike between two lines is reported by the next line, with the cumulative p99', () => {
    // One event a second: a 250 ms spike at 3 s, calm seconds around it.
    const p99 = [2, 3, 250, 4, 3, 2, 3, 2, 2, 2, 3];
    const events = p99.map((v, i) =>
      progress({ elapsedMs: (i + 1) * 1000, p99Ms: v, p99CumulativeMs: i >= 2 ? 40 : 3 }),
    );
    const lines = consoleLines(events);
    assert.ok(lines.length >= 2 && lines.length <= 4, lines.join('\n'));
    assert.ok(
      lines.some((l) => /p99 250ms \(worst second since last line\), run 40\.00ms/.test(l)),
      `the spike is in a line:\n${lines.join('\n')}`,
    );
    // The line after the spike's line no longer carries it (worst since the previous line only).
    const at = lines.findIndex((l) => l.includes('p99 250ms'));
    for (const l of lines.slice(at + 1)) assert.doesNotMatch(l, /p99 250ms/);
  });

  test('elapsed of total time, and clients connected of the total while connecting', () => {
    const lines = consoleLines([
      progress({ phase: 'connect', elapsedMs: 2000, connected: 40, p99Ms: null, p99CumulativeMs: null }),
      progress({ phase: 'steady', elapsedMs: 12_000, connected: 100 }),
    ]);
    assert.match(lines[0] ?? '', /\[p\] connecting +2s +conn 40\/100/);
    assert.match(lines[1] ?? '', /\[p\] steady +12s\/30s +conn 100\/100/);
  });
});

test('the summary states each QoS guarantee and lists fault and restart phases', async () => {
  const { loadDoc } = await import('./test-fixtures.ts');
  const { makeStyle } = await import('./ansi.ts');
  const r = structuredClone(loadDoc().load?.[0]);
  assert.ok(r);
  r.ledger.guarantees = [
    { qos: 1, promise: 'at least once', held: true, expected: 100, lost: 0, duplicated: 3 },
    { qos: 2, promise: 'exactly once', held: false, expected: 100, lost: 0, duplicated: 1 },
  ];
  r.faultPhases = [
    { name: 'cuts', kind: 'fault', type: 'reset', startMs: 1000, endMs: 3000, everyMs: 200, applied: 11 },
    {
      name: 'bounce',
      kind: 'restart',
      type: 'restart',
      startMs: 3500,
      endMs: 4000,
      restart: { command: 'x', exitCode: 0, signal: null, commandMs: 5, backAfterMs: 495, output: '' },
    },
  ];
  const text = loadSummaryLines(r, makeStyle(false)).join('\n');
  assert.match(text, /QoS 1 at least once: held \(expected 100, lost 0, duplicated 3\)/);
  assert.match(text, /QoS 2 exactly once: BROKEN \(expected 100, lost 0, duplicated 1\)/);
  assert.match(text, /fault cuts: reset 1\.0s-3\.0s every 200/);
  assert.match(text, /restart bounce 3\.5s-4\.0s: exit 0, back 495/);
});
