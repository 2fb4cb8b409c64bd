// A TCP fault proxy in the harness: listens on 127.0.0.1, forwards every accepted connection (a link) to the
// broker, and applies faults per link on demand (see types.ts). It proxies TCP bytes only, so TLS, WebSocket and
// WSS pass through untouched; clients keep the broker's host name for SNI and the Host header (ConnectOptions.via).
//
// Faults apply to the whole proxy (scenarios: one proxy per client) or to keys (load runs: one proxy per worker,
// each client claims its link by its local port, and a key's faults follow the client across reconnects).
import net from 'node:net';
import { Pipe } from './pipe.ts';
import { type FaultState, LASTING_FAULTS, type LinkFault } from './types.ts';

type LinkKey = string | number;

interface ProxyCounters {
  accepted: number;
  refused: number;
  resets: number;
  halfCloses: number;
  closedByDown: number;
  bytesToBroker: number;
  bytesToClient: number;
}

/** Links at most (each holds two sockets): beyond, new connections are refused (accepted, then reset). */
const MAX_LINKS = 100_000;

class Link {
  key: LinkKey | undefined;
  readonly up: Pipe;
  readonly down: Pipe;
  closed = false;

  constructor(
    readonly client: net.Socket,
    readonly broker: net.Socket,
    private readonly proxy: FaultProxy,
  ) {
    const st = (): FaultState => proxy.stateOf(this);
    this.up = new Pipe(client, broker, 'toBroker', st);
    this.down = new Pipe(broker, client, 'toClient', st);
  }

  pump(): void {
    this.up.pump();
    this.down.pump();
  }

  /** RST both ways (MQTT sees an abrupt loss of the network connection, no FIN). */
  reset(): void {
    if (this.closed) return;
    this.proxy.counters.resets++;
    rst(this.client);
    rst(this.broker);
    this.dispose();
  }

  /** FIN to one side; that direction stops, the other keeps flowing. */
  halfClose(side: 'broker' | 'client'): void {
    if (this.closed) return;
    this.proxy.counters.halfCloses++;
    const pipe = side === 'broker' ? this.up : this.down;
    pipe.shut();
    (side === 'broker' ? this.broker : this.client).end();
  }

  close(): void {
    if (this.closed) return;
    this.client.destroy();
    this.broker.destroy();
    this.dispose();
  }

  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    this.up.stop();
    this.down.stop();
    this.proxy.counters.bytesToBroker += this.up.stats.bytes;
    this.proxy.counters.bytesToClient += this.down.stats.bytes;
    this.proxy.forget(this);
  }
}

function rst(s: net.Socket): void {
  const r = s as net.Socket & { resetAndDestroy?: () => net.Socket };
  // After the peer's FIN (readable ended) Node's reset leaves the socket half-destroyed and never closed: a plain
  // destroy then (the peer has already ended its side anyway).
  if (!s.destroyed && !s.connecting && !s.readableEnded && typeof r.resetAndDestroy === 'function') {
    try {
      r.resetAndDestroy();
      return;
    } catch {
      // not a TCP handle: fall through
    }
  }
  s.destroy();
}

interface FaultProxyOptions {
  /** Where links go (the broker's TCP endpoint). */
  target: { host: string; port: number };
  /** Deadline for the proxy's own connect to the broker. */
  connectTimeoutMs?: number;
}

export class FaultProxy {
  readonly counters: ProxyCounters = {
    accepted: 0,
    refused: 0,
    resets: 0,
    halfCloses: 0,
    closedByDown: 0,
    bytesToBroker: 0,
    bytesToClient: 0,
  };
  private readonly links = new Set<Link>();
  /** Local ports of clients not yet matched to their link, and the key each claims. */
  private readonly claims = new Map<number, LinkKey>();
  private readonly global: FaultState = {};
  private readonly keyed = new Map<LinkKey, FaultState>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private server: net.Server | undefined;
  port = 0;
  readonly host = '127.0.0.1';

  constructor(private readonly opts: FaultProxyOptions) {}

  async listen(): Promise<this> {
    const server = net.createServer({ noDelay: true, allowHalfOpen: true }, (c) => this.accept(c));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    return this;
  }

  private accept(c: net.Socket): void {
    c.on('error', () => {});
    const key = this.claims.get(c.remotePort ?? -1);
    if (key !== undefined) this.claims.delete(c.remotePort ?? -1);
    if (
      this.links.size >= MAX_LINKS ||
      this.global.down ||
      (key !== undefined && this.keyed.get(key)?.down)
    ) {
      this.counters.refused++;
      rst(c);
      return;
    }
    this.counters.accepted++;
    c.setNoDelay(true);
    const b = net.connect({
      host: this.opts.target.host,
      port: this.opts.target.port,
      noDelay: true,
      allowHalfOpen: true,
    });
    b.on('error', () => {});
    const link = new Link(c, b, this);
    link.key = key;
    this.links.add(link);
    const t = setTimeout(() => {
      if (b.connecting) link.reset();
    }, this.opts.connectTimeoutMs ?? 10_000);
    b.once('connect', () => clearTimeout(t));
    // Until the broker side is up, the client's bytes wait in the pipe (the socket buffers them).
    const gone = (other: net.Socket) => (err?: Error) => {
      clearTimeout(t);
      if (link.closed) return;
      // Pass an RST on as an RST, a close as a close.
      if ((err as NodeJS.ErrnoException | undefined)?.code === 'ECONNRESET') rst(other);
      else if (!other.destroyed) other.destroy();
      link.dispose();
    };
    c.on('error', gone(b));
    b.on('error', gone(c));
    c.on('close', () => gone(b)());
    b.on('close', () => gone(c)());
  }

  /** A client about to send through the proxy from `localPort` belongs to `key`. */
  claim(localPort: number, key: LinkKey): void {
    for (const l of this.links) {
      if (l.key === undefined && l.client.remotePort === localPort) {
        l.key = key;
        if (this.keyed.get(key)?.down) {
          this.counters.closedByDown++;
          l.close();
        } else l.pump();
        return;
      }
    }
    if (this.claims.size > MAX_LINKS) this.claims.clear();
    this.claims.set(localPort, key);
  }

  stateOf(link: Link): FaultState {
    return (link.key !== undefined ? this.keyed.get(link.key) : undefined) ?? this.global;
  }

  /** Open links (of one key, or all). */
  linksOf(key?: LinkKey): Link[] {
    return [...this.links].filter((l) => key === undefined || l.key === key);
  }

  /**
   * Applies a fault to the whole proxy (no keys) or to the given keys. A lasting fault with `forMs` heals
   * itself after that long. Returns the number of open links it touched at once.
   */
  apply(f: LinkFault, keys?: readonly LinkKey[], forMs?: number): number {
    const states = keys ? keys.map((k) => this.stateFor(k)) : [this.global];
    const links = keys ? keys.flatMap((k) => this.linksOf(k)) : [...this.links];
    switch (f.type) {
      case 'reset':
        for (const l of links) l.reset();
        return links.length;
      case 'halfClose':
        for (const l of links) l.halfClose(f.side);
        return links.length;
      case 'heal':
        for (const s of states) clear(s);
        for (const l of links) l.pump();
        return links.length;
      case 'down':
        for (const s of states) s.down = true;
        for (const l of links) {
          this.counters.closedByDown++;
          l.close();
        }
        break;
      default:
        for (const s of states) (s as Record<string, unknown>)[f.type] = f;
        for (const l of links) l.pump();
    }
    if (forMs !== undefined && LASTING_FAULTS.includes(f.type)) {
      const t = setTimeout(() => {
        this.timers.delete(t);
        this.heal(f.type, keys);
      }, forMs);
      this.timers.add(t);
    }
    return links.length;
  }

  /** Ends one lasting fault (or all of them) for the keys or the whole proxy. */
  heal(type?: LinkFault['type'], keys?: readonly LinkKey[]): void {
    const states = keys ? keys.map((k) => this.stateFor(k)) : [this.global];
    for (const s of states) {
      if (type === undefined) clear(s);
      else if (type === 'down') s.down = false;
      else delete (s as Record<string, unknown>)[type];
    }
    for (const l of keys ? keys.flatMap((k) => this.linksOf(k)) : this.links) l.pump();
  }

  private stateFor(key: LinkKey): FaultState {
    let s = this.keyed.get(key);
    if (!s) {
      s = {};
      this.keyed.set(key, s);
    }
    return s;
  }

  forget(link: Link): void {
    this.links.delete(link);
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const l of [...this.links]) l.close();
    const s = this.server;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }
}

function clear(s: FaultState): void {
  delete s.latency;
  delete s.bandwidth;
  delete s.slice;
  delete s.blackhole;
  s.down = false;
}

/** Starts a proxy on 127.0.0.1 (a free port) in front of `target`. */
export function startFaultProxy(opts: FaultProxyOptions): Promise<FaultProxy> {
  return new FaultProxy(opts).listen();
}
