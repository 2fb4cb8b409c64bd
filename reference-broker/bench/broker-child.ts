// Child process for the broker benchmarks: runs either the reference broker or aedes on a free
// port of 127.0.0.1 and reports the port over IPC. CPU is read by the parent from /proc.
//   kinds: reference[-acl|-persist|-persist-full], aedes, node-floor (a bare socket server, see connect-storm.bench.ts)
//   argv: <kind> <BrokerConfig fields, JSON> <{ aedes?: Aedes options, warmUp?: boolean, tree?: checkout }, JSON>
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrokerConfig, startBroker as StartBroker } from '../src/index.ts';

const kind = process.argv[2]!;
/** settings the parent adds (e.g. a short session expiry when the clients use persistent sessions) */
const extra = JSON.parse(process.argv[3] ?? '{}') as Partial<BrokerConfig>;
const opts = JSON.parse(process.argv[4] ?? '{}') as {
  aedes?: Record<string, unknown>;
  warmUp?: boolean;
  tree?: string;
};
const entry = opts.tree
  ? pathToFileURL(join(opts.tree, 'reference-broker/src/index.ts')).href
  : '../src/index.ts';
const log = { log: () => {}, warmUp: opts.warmUp === true };

if (kind === 'reference' || kind === 'reference-acl') {
  const { startBroker } = (await import(entry)) as { startBroker: typeof StartBroker };
  // reference-acl: a subscribe deny rule, so every delivery to a wildcard subscription is checked
  const acl = kind === 'reference-acl' ? [{ user: '*', deny: 'subscribe' as const, topic: 'secret/#' }] : [];
  const b = await startBroker({ sysIntervalSeconds: 0, acl, ...extra }, log);
  process.send?.({ port: b.listeners[0]!.port });
} else if (kind === 'reference-persist' || kind === 'reference-persist-full') {
  const { startBroker } = (await import(entry)) as { startBroker: typeof StartBroker };
  // the persistent store in a temporary directory, removed when the benchmark stops this process
  const dir = mkdtempSync(join(tmpdir(), 'crucible-bench-store-'));
  const sync = kind === 'reference-persist-full' ? 'full' : 'normal';
  const b = await startBroker(
    { sysIntervalSeconds: 0, persistence: { path: join(dir, 'store.db'), sync }, ...extra },
    log,
  );
  const done = () => {
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGTERM', () => void b.close().finally(done));
  process.on('disconnect', () => void b.close().finally(done));
  process.send?.({ port: b.listeners[0]!.port });
} else if (kind === 'node-floor') {
  // the least a broker on Node.js does per connection: accept, one read, one 4-byte CONNACK
  const connack = Buffer.from([0x20, 0x02, 0x00, 0x00]);
  const server = createServer({ noDelay: true }, (s) => {
    s.on('data', () => s.write(connack));
    s.on('error', () => {});
  });
  server.listen({ port: 0, host: '127.0.0.1', backlog: 65535 }, () => {
    const a = server.address();
    process.send?.({ port: typeof a === 'object' && a ? a.port : 0 });
  });
} else if (kind === 'aedes') {
  const { Aedes } = await import('aedes');
  const aedes = await Aedes.createBroker(opts.aedes ?? {});
  const server = createServer(aedes.handle);
  server.listen(0, '127.0.0.1', () => {
    const a = server.address();
    process.send?.({ port: typeof a === 'object' && a ? a.port : 0 });
  });
} else {
  console.error(`unknown broker kind ${kind}`);
  process.exit(3);
}
if (!kind.startsWith('reference-persist')) {
  process.on('disconnect', () => process.exit(0));
  // exit (not die) on SIGTERM, so a --cpu-prof profile is written
  process.on('SIGTERM', () => process.exit(0));
}
