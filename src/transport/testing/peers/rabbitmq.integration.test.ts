// The RabbitMQ launcher itself: two nodes side by side do not collide, each listens on 127.0.0.1 only, and stop()
// leaves no process, port or file behind. (epmd also listens on ::1 whatever its -address; that is loopback too.)
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import WebSocket from 'ws';
import { type RabbitInstance, rabbitSkipReason, startRabbit, strayProcesses } from './rabbitmq.ts';

/** `address:port` of every listening TCP socket held by the node's processes (beam and its private epmd). */
function listening(node: string): string[] {
  const inodes = new Set<string>();
  for (const line of strayProcesses(node)) {
    const pid = line.split(' ')[0] as string;
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(m[1] as string);
      } catch {
        // closed meanwhile
      }
    }
  }
  const out: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const row of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const f = row.trim().split(/\s+/);
      if (f[3] !== '0A' || !inodes.has(f[9] as string)) continue; // 0A = LISTEN
      const [hex, port] = (f[1] as string).split(':') as [string, string];
      const addr =
        hex.length === 8
          ? Buffer.from(hex, 'hex').reverse().join('.')
          : hex === '00000000000000000000000001000000'
            ? '::1'
            : `[${hex}]`;
      out.push(`${addr}:${Number.parseInt(port, 16)}`);
    }
  }
  return out.sort();
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });
}

function wsOpens(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, 'mqtt');
    const t = setTimeout(() => reject(new Error('no WebSocket handshake in 10 s')), 10_000);
    ws.once('open', () => {
      clearTimeout(t);
      resolve(ws.protocol);
      ws.terminate();
    });
    ws.once('error', (e) => {
      clearTimeout(t);
      reject(e);
    });
  });
}

test('two private RabbitMQ nodes side by side, each on 127.0.0.1 only, gone after stop', {
  skip: rabbitSkipReason(),
}, async () => {
  const nodes: RabbitInstance[] = [];
  try {
    const started = await Promise.allSettled([startRabbit(), startRabbit()]);
    for (const s of started) if (s.status === 'fulfilled') nodes.push(s.value);
    for (const s of started) if (s.status === 'rejected') throw s.reason;
    const [a, b] = nodes as [RabbitInstance, RabbitInstance];
    assert.notEqual(a.node, b.node);
    assert.notEqual(a.dir, b.dir);
    for (const r of nodes) {
      const ports = listening(r.node);
      assert.ok(
        ports.length >= 4,
        `expected AMQP, MQTT, distribution and epmd listeners, got ${ports.join(', ')}`,
      );
      for (const p of ports)
        assert.match(p, /^(127\.0\.0\.1|::1):\d+$/, `${r.node} listens beyond loopback: ${p}`);
      for (const port of [r.amqp, r.mqtt, ...(r.ws ? [r.ws] : [])])
        assert.ok(
          ports.includes(`127.0.0.1:${port}`),
          `${r.node} does not listen on ${port}: ${ports.join(', ')}`,
        );
      if (r.ws) assert.equal(await wsOpens(r.ws), 'mqtt');
    }
    const all = [...listening(a.node), ...listening(b.node)];
    assert.equal(new Set(all).size, all.length, 'no port is shared between the two nodes');
  } finally {
    await Promise.all(nodes.map((r) => r.stop()));
  }
  for (const r of nodes) {
    assert.deepEqual(strayProcesses(r.node), [], `${r.node} left processes behind`);
    assert.equal(existsSync(r.dir), false, `${r.dir} was not removed`);
    assert.equal(await refused(r.mqtt), true, `port ${r.mqtt} still open`);
  }
});

test('a node that cannot start fails fast with its own log, and leaves nothing behind', {
  skip: rabbitSkipReason(),
}, async () => {
  const before = new Set(readdirSync(tmpdir()).filter((n) => n.startsWith('crucible-rabbit-')));
  const dump = join(process.cwd(), 'erl_crash.dump');
  const dumpBefore = existsSync(dump);
  await assert.rejects(startRabbit({ config: ['mqtt.no_such_setting = 1'] }), (err: Error) => {
    assert.match(err.message, /^rabbitmq [\d.]+ \(node crucible-\d+-\d+@localhost\) exited:/);
    assert.match(err.message, /no_such_setting/, 'the reason from the node is in the message');
    return true;
  });
  const left = readdirSync(tmpdir()).filter((n) => n.startsWith('crucible-rabbit-') && !before.has(n));
  assert.deepEqual(left, [], 'the temp dir is removed');
  if (!dumpBefore) assert.equal(existsSync(dump), false, 'the crash dump stays in the node dir, not the cwd');
});
