// Child process for the broker benchmark: runs either the reference broker or aedes on a free
// port of 127.0.0.1 and reports the port over IPC. CPU is read by the parent from /proc.
import { createServer } from 'node:net';
import { startBroker } from '../src/index.ts';

const kind = process.argv[2];
if (kind === 'reference' || kind === 'reference-acl') {
  // reference-acl: a subscribe deny rule, so every delivery to a wildcard subscription is checked
  const acl = kind === 'reference-acl' ? [{ user: '*', deny: 'subscribe' as const, topic: 'secret/#' }] : [];
  const b = await startBroker({ sysIntervalSeconds: 0, acl });
  process.send?.({ port: b.listeners[0]!.port });
} else if (kind === 'aedes') {
  const { Aedes } = await import('aedes');
  const aedes = await Aedes.createBroker();
  const server = createServer(aedes.handle);
  server.listen(0, '127.0.0.1', () => {
    const a = server.address();
    process.send?.({ port: typeof a === 'object' && a ? a.port : 0 });
  });
} else {
  console.error(`unknown broker kind ${kind}`);
  process.exit(3);
}
process.on('disconnect', () => process.exit(0));
