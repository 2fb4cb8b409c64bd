import assert from 'node:assert/strict';
import { test } from 'node:test';
import { run } from './broker.ts';

function quiet<T>(f: () => Promise<T>): Promise<{ value: T; err: string }> {
  const orig = console.error;
  let err = '';
  console.error = (...a: unknown[]) => {
    err += `${a.join(' ')}\n`;
  };
  return f()
    .then((value) => ({ value, err }))
    .finally(() => {
      console.error = orig;
    });
}

test('crucible broker: bad settings exit 3 naming the key, flag and allowed values', async () => {
  const r = await quiet(() => run(['--receive-maximum', '0', '--maximum-qos', '3', '--port', '0']));
  assert.equal(r.value, 3);
  assert.match(r.err, /receiveMaximum \(--receive-maximum\): 0 is not allowed; allowed: 1\.\.65535, or -1/);
  assert.match(r.err, /maximumQoS \(--maximum-qos\): got "3"; allowed: 0, 1, 2/);
});

test('crucible broker: unknown flag and unknown fault exit 3', async () => {
  assert.equal((await quiet(() => run(['--bogus']))).value, 3);
  const r = await quiet(() => run(['--port', '0', '--fault', 'nope']));
  assert.equal(r.value, 3);
  assert.match(r.err, /unknown fault \["nope"\]/);
  assert.equal((await quiet(() => run(['--tls-port', '0']))).value, 3);
});

test('crucible broker: starts, prints one line per listener, stops on SIGINT', async () => {
  const lines: string[] = [];
  const orig = console.log;
  console.log = (...a: unknown[]) => {
    lines.push(a.join(' '));
    if (lines.length === 2) setTimeout(() => process.emit('SIGINT'), 50);
  };
  try {
    const rc = await run(['--port', '0', '--ws-port', '0']);
    assert.equal(rc, 0);
  } finally {
    console.log = orig;
  }
  assert.match(lines[0]!, /^listening tcp mqtt:\/\/127\.0\.0\.1:\d+$/);
  assert.match(lines[1]!, /^listening ws ws:\/\/127\.0\.0\.1:\d+\/mqtt$/);
});

test('crucible broker: `--flag -1` is read like `--flag=-1`', async () => {
  const lines: string[] = [];
  const orig = console.log;
  console.log = (...a: unknown[]) => {
    lines.push(a.join(' '));
    if (lines.length === 1) setTimeout(() => process.emit('SIGINT'), 50);
  };
  let r: { value: number; err: string };
  try {
    r = await quiet(() =>
      run(['--port', '0', '--maximum-packet-size', '-1', '--receive-maximum', '-1', '--max-topic-levels=-1']),
    );
  } finally {
    console.log = orig;
  }
  assert.equal(r.value, 0, r.err);
  assert.match(lines[0]!, /^listening tcp /);
});

test('crucible broker: a missing certificate, key or users file exits 3 naming the flag', async () => {
  const tls = await quiet(() =>
    run(['--tls-port', '0', '--cert', '/nonexistent/c.pem', '--key', '/nonexistent/k.pem']),
  );
  assert.equal(tls.value, 3);
  assert.match(tls.err, /--cert.*\/nonexistent\/c\.pem/);
  assert.match(tls.err, /--key.*\/nonexistent\/k\.pem/);
  const users = await quiet(() => run(['--port', '0', '--users-file', '/nonexistent/users.txt']));
  assert.equal(users.value, 3);
  assert.match(users.err, /--users-file.*\/nonexistent\/users\.txt/);
});
