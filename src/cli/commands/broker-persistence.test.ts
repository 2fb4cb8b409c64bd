// `crucible broker --persistence <file>`: bad paths and a store held by another broker exit 3
// naming the key and the flag; a good one starts, says what it restored, and stops on SIGINT.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseBrokerConfig, startBroker } from '../../../reference-broker/src/index.ts';
import { run } from './broker.ts';

const dir = mkdtempSync(join(tmpdir(), 'crucible-cli-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function capture(f: () => Promise<number>): Promise<{ rc: number; out: string; err: string }> {
  const [log, error] = [console.log, console.error];
  let out = '';
  let err = '';
  console.log = (...a: unknown[]) => {
    out += `${a.join(' ')}\n`;
    if (out.includes('listening tcp')) setTimeout(() => process.emit('SIGINT'), 50);
  };
  console.error = (...a: unknown[]) => {
    err += `${a.join(' ')}\n`;
  };
  try {
    return { rc: await f(), out, err };
  } finally {
    console.log = log;
    console.error = error;
  }
}

test('persistence settings are validated with the others, all problems at once', () => {
  mkdirSync(join(dir, 'a-directory'));
  const bad = [
    [{ path: join(dir, 'missing', 'x.db') }, /persistence\.path: .*does not exist/],
    [{ path: join(dir, 'a-directory') }, /persistence\.path: .*exists and is not a file/],
    [{ path: '' }, /persistence\.path: got ""/],
    [
      { path: join(dir, 'ok.db'), sync: 'sometimes' },
      /persistence\.sync: got "sometimes"; allowed: normal, full/,
    ],
    [{ path: join(dir, 'ok.db'), fsync: true }, /persistence\.fsync: unknown key/],
    ['store.db', /persistence: must be a mapping/],
  ] as const;
  for (const [value, want] of bad) {
    const r = parseBrokerConfig({ persistence: value });
    assert.equal(r.ok, false, JSON.stringify(value));
    if (!r.ok) assert.match(r.problems.map((p) => `${p.key}: ${p.message}`).join('\n'), want);
  }
  const ok = parseBrokerConfig({ persistence: { path: 'rel.db' } }, dir);
  assert.ok(ok.ok);
  if (ok.ok) assert.deepEqual(ok.config.persistence, { path: join(dir, 'rel.db'), sync: 'normal' });
});

test('crucible broker --persistence: a bad path exits 3 naming the key and the flag', async () => {
  const r = await capture(() => run(['--port', '0', '--persistence', join(dir, 'nowhere', 's.db')]));
  assert.equal(r.rc, 3);
  assert.match(r.err, /invalid setting persistence\.path \(--persistence\): .*does not exist/);
  const s = await capture(() =>
    run(['--port', '0', '--persistence', join(dir, 's.db'), '--persistence-sync', 'x']),
  );
  assert.equal(s.rc, 3);
  assert.match(s.err, /persistence\.sync \(--persistence-sync\): got "x"/);
  writeFileSync(join(dir, 'not-a-store.db'), 'this is not a SQLite database, it is text '.repeat(100));
  const t = await capture(() => run(['--port', '0', '--persistence', join(dir, 'not-a-store.db')]));
  assert.equal(t.rc, 3);
  assert.match(t.err, /persistence\.path \(--persistence\): cannot open the store .*not-a-store\.db/);
});

test('crucible broker --persistence: a store held by another broker exits 3; a free one starts', async () => {
  const path = join(dir, 'held.db');
  const holder = await startBroker({ persistence: { path, sync: 'normal' } }, { log: () => {} });
  try {
    const r = await capture(() => run(['--port', '0', '--persistence', path]));
    assert.equal(r.rc, 3);
    assert.match(r.err, /persistence\.path \(--persistence\): .*in use by another broker/);
  } finally {
    await holder.close();
  }
  const r = await capture(() => run(['--port', '0', '--persistence', path, '--persistence-sync', 'full']));
  assert.equal(r.rc, 0, r.err);
  assert.match(r.out, /persistence: .*held\.db \(sync full\): 0 sessions/);
  assert.match(r.out, /listening tcp mqtt:\/\/127\.0\.0\.1:\d+/);
});
