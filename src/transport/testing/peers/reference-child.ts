// Child process for tests that must see a broker crash: starts the reference broker with the
// configuration given as JSON in argv[2] (or a configs/ file name) and reports its port over IPC.
import { join } from 'node:path';
import {
  type BrokerConfig,
  loadBrokerConfig,
  type StartOptions,
  startBroker,
} from '../../../../reference-broker/src/index.ts';

const arg = process.argv[2] ?? '{}';
let config: Partial<BrokerConfig>;
if (arg.endsWith('.yaml')) {
  const r = loadBrokerConfig(
    join(import.meta.dirname, '..', '..', '..', '..', 'reference-broker', 'configs', arg),
  );
  if (!r.ok) {
    console.error(r.problems.map((p) => p.message).join('\n'));
    process.exit(3);
  }
  config = r.config;
} else config = JSON.parse(arg) as Partial<BrokerConfig>;
const extra = JSON.parse(process.argv[3] ?? '{}') as StartOptions;
const b = await startBroker({ sysIntervalSeconds: 0, ...config }, { log: () => {}, ...extra });
process.send?.({ port: b.listeners[0]!.port });
process.on('disconnect', () => process.exit(0));
process.on('message', (m: { cmd?: string }) => {
  if (m.cmd === 'close') void b.close().then(() => process.exit(0));
});
