// The launcher core with real programs: ready once its port listens, stopped with its temp dir gone, and a start
// that fails (the program exits, or is never ready) leaves no process and no dir behind.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort } from '../ports.ts';
import { launch, portOpen } from './launch.ts';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const LISTEN = "require('node:net').createServer().listen(Number(process.argv[1]), '127.0.0.1')";

test('a program is ready once its port listens; stop() ends it and removes its dir', async () => {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'crucible-launch-'));
  const p = await launch({
    what: 'listener',
    argv: [process.execPath, '-e', LISTEN, String(port)],
    ports: [port],
    deadlineMs: 20_000,
    dir,
  });
  assert.equal(await portOpen(port), true);
  assert.ok(p.pid > 0 && alive(p.pid));
  await p.stop();
  assert.equal(p.exited(), true);
  assert.equal(alive(p.pid), false);
  assert.equal(existsSync(dir), false);
  assert.equal(await portOpen(port), false);
});

test('a program that exits at start is reported with its stderr, and its dir is removed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'crucible-launch-'));
  await assert.rejects(
    launch({
      what: 'quitter',
      argv: ['/bin/sh', '-c', 'echo no config >&2; exit 3'],
      ports: [await freePort()],
      deadlineMs: 20_000,
      dir,
    }),
    /^Error: quitter exited:\nno config$/,
  );
  assert.equal(existsSync(dir), false);
});

test('a program never ready by the deadline is stopped', async () => {
  const port = await freePort();
  const marker = `crucible-launch-${process.pid}-${port}`;
  await assert.rejects(
    launch({
      what: 'sleeper',
      argv: [process.execPath, '-e', 'setTimeout(() => {}, 600_000)', marker],
      ports: [port],
      deadlineMs: 200,
    }),
    /^Error: sleeper was not ready within 0.2 s/,
  );
  const { execFileSync } = await import('node:child_process');
  const left = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes(marker));
  assert.deepEqual(left, []);
});

test('onLine gets every line the program prints, stdout and stderr alike, and exitStatus says how it ended', async () => {
  const port = await freePort();
  const lines: string[] = [];
  const script = `console.log('out one\\nout two'); console.error('err one'); ${LISTEN}`;
  const p = await launch({
    what: 'talker',
    argv: [process.execPath, '-e', script, String(port)],
    ports: [port],
    deadlineMs: 20_000,
    stdout: 'stderr',
    onLine: (l) => lines.push(l),
  });
  assert.equal(p.exitStatus(), undefined);
  await p.stop();
  assert.deepEqual(lines.sort(), ['err one', 'out one', 'out two']);
  assert.equal(p.exitStatus(), 'code 143'); // SIGTERM, as the watchdog shell reports it
});
