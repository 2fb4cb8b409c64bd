// A small faulty TCP proxy for ledger tests: forwards bytes between clients and a broker, parses the MQTT frames
// the broker sends, and drops, duplicates or holds back (reorders) selected PUBLISH packets on the way to chosen
// clients. Test support only; 127.0.0.1.
import net from 'node:net';
import { frameSplitter } from '../protocol/frames.ts';
import { clientIdOf } from './tap.ts';

export type Fault = 'drop' | 'duplicate' | 'hold';

interface FaultyProxyOptions {
  brokerPort: number;
  /** Clients (by CONNECT client id) whose inbound PUBLISH packets are subject to faults. */
  affects(clientId: string): boolean;
  /** Decides the fault for the k-th PUBLISH (0-based) sent to an affected client. A held packet goes out after the next one. */
  fault(k: number): Fault | undefined;
}

interface FaultyProxy {
  port: number;
  url: string;
  /** Faults applied so far. */
  applied: Record<Fault, number>;
  close(): Promise<void>;
}

export function startFaultyProxy(opts: FaultyProxyOptions): Promise<FaultyProxy> {
  const applied: Record<Fault, number> = { drop: 0, duplicate: 0, hold: 0 };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const broker = net.connect({ host: '127.0.0.1', port: opts.brokerPort });
    sockets.add(client);
    sockets.add(broker);
    let affected: boolean | undefined;
    let k = 0;
    let held: Buffer | undefined;
    // upstream: held until the CONNECT is whole (its client id decides whether the link is affected)
    let early: Buffer[] = [];
    const firstFrame = frameSplitter((f) => {
      if (affected !== undefined) return;
      affected = opts.affects(clientIdOf(f));
      broker.write(Buffer.concat(early));
      early = [];
    });
    client.on('data', (d: Buffer) => {
      if (affected !== undefined) {
        broker.write(d);
        return;
      }
      early.push(d);
      firstFrame.push(d);
    });
    // downstream of an affected link: every PUBLISH frame meets the fault schedule
    const down = frameSplitter((f) => {
      if ((f[0] as number) >> 4 !== 3) {
        client.write(f);
        return;
      }
      const fault = opts.fault(k++);
      if (fault) applied[fault]++;
      if (fault === 'drop') return;
      if (fault === 'hold') {
        held = f;
        return;
      }
      const out = fault === 'duplicate' ? [f, f] : [f];
      if (held) {
        out.push(held);
        held = undefined;
      }
      client.write(out.length === 1 ? f : Buffer.concat(out));
    });
    broker.on('data', (d: Buffer) => {
      if (!affected) client.write(d);
      else down.push(d);
    });
    const close = (): void => {
      client.destroy();
      broker.destroy();
      sockets.delete(client);
      sockets.delete(broker);
    };
    client.on('error', close);
    broker.on('error', close);
    client.on('close', close);
    broker.on('close', close);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const a = server.address() as net.AddressInfo;
      resolve({
        port: a.port,
        url: `mqtt://127.0.0.1:${a.port}`,
        applied,
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}
