// Shared bits of the load benchmarks: mosquitto peer, garbage collection, memory, a table printer.
import net from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { connectPacket } from '../wire.ts';

setFlagsFromString('--expose-gc');
const gcFn = runInNewContext('gc') as () => void;

export async function settle(): Promise<void> {
  for (let i = 0; i < 4; i++) {
    gcFn();
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface Mem {
  rss: number;
  heapUsed: number;
  external: number;
}

export async function memory(): Promise<Mem> {
  await settle();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external };
}

export function table(rows: Array<Record<string, string | number>>): string {
  const cols = Object.keys(rows[0] ?? {});
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (vals: string[]) => `| ${vals.map((v, i) => v.padEnd(width[i] as number)).join(' | ')} |`;
  return [
    line(cols),
    `|${width.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map((r) => line(cols.map((c) => String(r[c])))),
  ].join('\n');
}

export const kb = (bytes: number): string => (bytes / 1024).toFixed(2);

export function waitFor(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  return new Promise((resolve) => {
    const poll = () => {
      if (cond()) resolve(true);
      else if (Date.now() > end) resolve(false);
      else setTimeout(poll, 20);
    };
    poll();
  });
}

/** A raw 3.1.1 connection with CONNECT sent and CONNACK received: the benches' "no harness at all" baseline. */
export function openRawClient(url: string, clientId: string): Promise<net.Socket> {
  const u = new URL(url);
  return new Promise<net.Socket>((resolve) => {
    const s = net.connect({ host: u.hostname, port: Number(u.port), noDelay: true }, () => {
      s.write(connectPacket({ clientId, version: 4, clean: true, keepAlive: 0, sessionExpiry: 0 }));
      s.once('data', () => resolve(s));
    });
  });
}
