// Restart commands: run through the shell with a deadline, then a bounded wait for the broker's port; every
// outcome is recorded, never thrown.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../transport/testing/ports.ts';
import { clock } from './payload.ts';
import { runRestart } from './restart.ts';

describe('runRestart', () => {
  let server: net.Server;
  let url: string;
  before(async () => {
    server = net.createServer((s) => s.destroy());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `mqtt://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  const spec = (command: string, timeoutMs = 5000, waitMs = 2000) => ({
    name: 'r',
    atMs: 0,
    command,
    timeoutMs,
    waitMs,
  });

  test('a command that succeeds, with the broker back', async () => {
    const r = await runRestart(spec('echo restarting; echo done >&2'), url, clock());
    assert.equal(r.exitCode, 0);
    assert.equal(r.output, 'restarting\ndone');
    assert.notEqual(r.backAfterMs, null);
    assert.equal(r.error, undefined);
  });

  test('a command past its deadline is killed (its whole process group)', async () => {
    const r = await runRestart(spec('sleep 20; echo never', 300), url, clock());
    assert.equal(r.signal, 'SIGKILL');
    assert.match(r.error ?? '', /killed after its 300 ms deadline/);
    assert.equal(r.output, '');
  });

  test('a failing command and a broker that does not come back are both reported', async () => {
    const dead = `mqtt://127.0.0.1:${await freePort()}`;
    const r = await runRestart(spec('exit 3', 5000, 300), dead, clock());
    assert.equal(r.exitCode, 3);
    assert.equal(r.backAfterMs, null);
    assert.equal(r.error, 'command exited with 3');
    const r2 = await runRestart(spec('true', 5000, 300), dead, clock());
    assert.equal(r2.error, 'broker not back within 300 ms');
  });
});
