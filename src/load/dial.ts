// Opening a lean client's network connection: plain `net` sockets for mqtt:// (optionally bound to a rotating
// loopback source address), src/transport for the other schemes; through the fault proxy when the client's group
// is a fault target (the link is then claimed by the client's global index, so faults follow the client).
import net from 'node:net';
import { connect as transportConnect } from '../transport/index.ts';

/** What the client exposes of a connection. */
export interface Sock {
  write(b: Buffer): boolean;
  pause?(): unknown;
  resume?(): unknown;
  destroy(): void;
  end(): void;
  readonly writableLength?: number;
}

export interface Via {
  host: string;
  port: number;
  claim(localPort: number, key: number): void;
}

export interface DialEvents {
  /** The socket exists (before it is open): the client keeps it to write and to close it. */
  attach(s: Sock): void;
  open(): void;
  data(d: Buffer): void;
  close(s: Sock): void;
  fail(reason: string): void;
  /** Still waiting for this attempt (a late transport connect is dropped otherwise). */
  waiting(): boolean;
}

export interface DialOptions {
  url: URL;
  timeoutMs: number;
  version: 3 | 4 | 5;
  key: number;
  localAddress?: string;
  via?: Via;
}

export function dial(o: DialOptions, ev: DialEvents): void {
  const { url, via } = o;
  if (url.protocol === 'mqtt:' || url.protocol === 'tcp:') {
    const opts: net.NetConnectOpts = { host: url.hostname, port: Number(url.port || 1883), noDelay: true };
    if (via) {
      opts.host = via.host;
      opts.port = via.port;
    } else if (o.localAddress !== undefined) opts.localAddress = o.localAddress;
    const s = net.connect(opts);
    ev.attach(s);
    s.on('connect', () => {
      if (via && s.localPort !== undefined) via.claim(s.localPort, o.key);
      ev.open();
    });
    s.on('data', (d: Buffer) => ev.data(d));
    s.on('error', () => {});
    s.on('close', () => ev.close(s));
    return;
  }
  const opts: Parameters<typeof transportConnect>[1] = { timeoutMs: o.timeoutMs, version: o.version };
  if (via) opts.via = { host: via.host, port: via.port };
  transportConnect(url, opts).then(
    (c) => {
      if (!ev.waiting()) {
        c.destroy();
        return;
      }
      if (via && c.localPort !== undefined) via.claim(c.localPort, o.key);
      ev.attach(c);
      c.onData((d) => ev.data(d));
      c.onClose(() => ev.close(c));
      ev.open();
    },
    () => ev.fail('connect.unreachable'),
  );
}
