import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonSafe, Transcript } from './transcript.ts';

test('jsonSafe: printable Buffers as text, binary as { $hex }, nested', () => {
  assert.deepEqual(jsonSafe({ payload: Buffer.from('hi'), p: { c: Buffer.from([0, 255]) } }), {
    payload: 'hi',
    p: { c: { $hex: '00ff' } },
  });
  assert.deepEqual(jsonSafe({ a: undefined, b: [1n] }), { b: ['1'] });
  assert.doesNotThrow(() => JSON.stringify(jsonSafe({ x: Buffer.alloc(10) })));
});

test('Transcript: monotonic times, hex of raw bytes, events', () => {
  const tr = new Transcript();
  tr.packet('a', 'out', Buffer.from([0xc0, 0]), {
    cmd: 'pingreq',
    qos: 0,
    dup: false,
    retain: false,
    topic: null,
  });
  tr.event('a', 'closed');
  const e = tr.finish();
  assert.equal(e.length, 2);
  assert.equal(e[0]?.hex, 'c000');
  assert.deepEqual(e[0]?.packet, { cmd: 'pingreq' });
  assert.equal(e[1]?.dir, 'event');
  assert.ok((e[1]?.t ?? -1) >= (e[0]?.t ?? 0));
});

test('Transcript: a huge payload is cut, with a note', () => {
  const tr = new Transcript();
  const raw = Buffer.alloc(200_000, 0x61);
  tr.packet('a', 'in', raw, { cmd: 'publish', payload: raw });
  const [e] = tr.finish();
  assert.ok((e?.hex?.length ?? 0) <= 2 * 64 * 1024);
  assert.match(e?.note ?? '', /200000 bytes/);
  assert.deepEqual(Object.keys((e?.packet?.payload as object) ?? {}), ['$hex', '$size']);
});

test('TranscriptBudget: whole while the run is under budget, then head and tail with a note', async () => {
  const { TranscriptBudget } = await import('./transcript-budget.ts');
  const entry = (i: number) => ({ t: i, client: 'a', dir: 'in' as const, hex: 'ab'.repeat(1000) });
  const many = Array.from({ length: 200 }, (_, i) => entry(i));
  const b = new TranscriptBudget(500 * 1024);
  assert.equal(b.admit(many).length, 200);
  const trimmed = b.admit(many);
  assert.ok(trimmed.length < 50, `${trimmed.length} entries kept`);
  assert.equal(trimmed[0]?.t, 0);
  assert.equal(trimmed.at(-1)?.t, 199);
  assert.ok(trimmed.some((e) => /transcript truncated: \d+ entries left out/.test(e.note ?? '')));
});
