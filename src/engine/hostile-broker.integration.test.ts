// A broker that floods a client with unsolicited packets, or closes in the middle of a packet: the case
// fails with a bounded transcript that says what was left out, and the run finishes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_INBOX_PACKETS } from './client.ts';
import { runCase } from './index.ts';
import { type EvilBroker, startEvilBroker } from './testing/evil-broker.ts';
import { A, caseOf, step } from './testing/spec.ts';
import { MAX_CASE_BYTES, MAX_ENTRIES } from './transcript.ts';

async function withEvil<T>(mode: Parameters<typeof startEvilBroker>[0], f: (e: EvilBroker) => Promise<T>) {
  const evil = await startEvilBroker(mode);
  try {
    return await f(evil);
  } finally {
    await evil.stop();
  }
}

test('a flood of unsolicited PUBLISH packets fails the case; the transcript is capped and says so', async () => {
  await withEvil('flood', async (evil) => {
    // the case never reads what the broker pushes: it only waits
    const spec = caseOf([step('a', A.connect()), step('a', A.wait(1500))], { timeoutMs: 3000 });
    const out = await runCase(spec, { brokerUrl: `mqtt://127.0.0.1:${evil.port}`, vars: {} });
    assert.equal(out.status, 'fail', out.reason);
    assert.match(out.reason ?? '', /flood: more than \d+ packets/);
    assert.ok(out.transcript.length <= MAX_ENTRIES + 300, `${out.transcript.length} entries`);
    const size = JSON.stringify(out.transcript).length;
    assert.ok(size <= MAX_CASE_BYTES * 1.5, `transcript of ${size} bytes`);
    assert.ok(
      out.transcript.some((e) => /transcript truncated: \d+ more packets of a/.test(e.note ?? '')),
      'the transcript says it is truncated',
    );
    assert.ok(out.transcript.some((e) => new RegExp(`more than ${MAX_INBOX_PACKETS}`).test(e.note ?? '')));
  });
});

test('a packet cut short by the close is kept in the transcript and judged, not a clean close', async () => {
  await withEvil('truncated-close', async (evil) => {
    const spec = caseOf([step('a', A.connect()), step('a', A.close(1000))]);
    const out = await runCase(spec, { brokerUrl: `mqtt://127.0.0.1:${evil.port}`, vars: {} });
    assert.equal(out.status, 'fail', out.reason);
    assert.match(
      out.reason ?? '',
      /truncated packet: the connection closed after 6 bytes of a packet announcing 20 bytes/,
    );
    const ev = out.transcript.find((e) => /truncated packet/.test(e.note ?? ''));
    assert.equal(ev?.hex, '30120003612f');
  });
});
