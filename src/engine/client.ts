// One scenario client: its transport connection, a Decoder, an inbox of what the broker sent that no
// step consumed yet, the close state, and waiters with deadlines. No automatic PINGREQ: the case owns
// the wire.

import { performance } from 'node:perf_hooks';
import type { CheckContext } from '../protocol/checker.ts';
import type { Packet, ProtocolVersion } from '../protocol/codec.ts';
import { Decoder } from '../protocol/codec.ts';
import type { Connection, WsFrameKind } from '../transport/index.ts';
import type { Transcript } from './transcript.ts';

/** Default cap on one inbound frame, so a broker announcing a huge packet cannot exhaust memory. */
export const DEFAULT_MAX_INBOUND_PACKET = 64 * 1024 * 1024;

/** Unconsumed packets (and their bytes) kept per client before the stream is treated as a flood: the
 *  connection is then closed and the case fails, so a broker pushing unsolicited packets cannot exhaust
 *  the harness's memory. */
export const MAX_INBOX_PACKETS = 10_000;
export const MAX_INBOX_BYTES = 16 * 1024 * 1024;

export type InboxItem =
  | { kind: 'packet'; packet: Packet; raw: Buffer; t: number }
  | { kind: 'malformed'; message: string; raw: Buffer | undefined; t: number }
  | { kind: 'close'; t: number; error?: string; byUs: boolean };

/** Called for every frame the broker sent: decoded (packet set) or rejected by the decoder (undefined). */
export type InboundHook = (packet: Packet | undefined, raw: Buffer, client: ScenarioClient) => void;

export class ScenarioClient {
  conn: Connection | undefined;
  decoder: Decoder | undefined;
  private inbox: InboxItem[] = [];
  private inboxBytes = 0;
  /** Why the broker's stream was cut as a flood (the case fails with it), once that happened. */
  flood: string | undefined;
  private waiters: Array<() => void> = [];
  /** Terminal item (close or malformed stream) once it happened; stays at the end of the inbox. */
  terminal: InboxItem | undefined;
  /** Set once the connection closed (whoever closed it). */
  closeItem: (InboxItem & { kind: 'close' }) | undefined;
  closedByUs = false;
  packetsSent = 0;
  private nextMessageId = 1;
  /** The CONNECT on this connection carried a foreign protocol name/level: the broker cannot know how to
   *  answer, so its replies are not judged by the strict checker. */
  foreignProtocol = false;
  /** What the last CONNECT announced (strict checker context). */
  connectInfo: CheckContext['connect'];
  /** Keep alive in force on this connection, seconds: the CONNECT's, or the CONNACK's Server Keep Alive. */
  keepAliveSeconds: number | undefined;
  /** Topic aliases the broker assigned in PUBLISH packets (MQTT 5), alias -> topic. */
  readonly inboundAliases = new Map<number, string>();

  constructor(
    readonly name: string,
    readonly clientId: string,
    public version: ProtocolVersion,
    readonly transport: 'tcp' | 'ws',
    private readonly transcript: Transcript,
    private readonly onInbound: InboundHook | undefined,
    private readonly maxInboundPacket: number = DEFAULT_MAX_INBOUND_PACKET,
  ) {}

  get isOpen(): boolean {
    // once the client ended or dropped its connection, the next connect/open starts a new one
    return this.conn !== undefined && !this.conn.closed && this.closeItem === undefined && !this.closedByUs;
  }

  /** Attach a freshly opened connection (a new connection replaces a closed one). */
  attach(conn: Connection): void {
    this.conn = conn;
    this.inbox = [];
    this.inboxBytes = 0;
    this.terminal = undefined;
    this.closeItem = undefined;
    this.closedByUs = false;
    this.foreignProtocol = false;
    this.inboundAliases.clear();
    const decoder = new Decoder(
      this.version,
      {
        packet: (packet, raw) => {
          const t = this.transcript.now();
          this.transcript.packet(this.name, 'in', raw, packet);
          this.onInbound?.(packet, raw, this);
          this.enqueue({ kind: 'packet', packet: this.resolveAlias(packet), raw: Buffer.from(raw), t });
        },
        error: (err, raw) => {
          const t = this.transcript.now();
          this.transcript.event(this.name, `malformed packet from broker: ${err.message}`, raw);
          if (raw && err.kind !== 'too-large') this.onInbound?.(undefined, raw, this);
          this.enqueue({ kind: 'malformed', message: err.message, raw, t });
        },
      },
      { maxPacketSize: this.maxInboundPacket },
    );
    this.decoder = decoder;
    conn.onData((chunk) => {
      if (this.conn === conn) decoder.push(chunk);
    });
    conn.onClose((info) => {
      if (this.conn !== conn) return;
      const t = this.transcript.now();
      const byUs = this.closedByUs;
      if (!byUs) this.truncatedBeforeClose(decoder, t);
      const why = info.error ? `: ${info.error.message}` : '';
      this.transcript.event(this.name, `${byUs ? 'closed by client' : 'connection closed by broker'}${why}`);
      const item: InboxItem = { kind: 'close', t, byUs };
      if (info.error) item.error = info.error.message;
      this.enqueue(item);
    });
  }

  /**
   * MQTT 5 Topic Alias from the broker: a PUBLISH with topic and alias sets the mapping; one with an
   * empty topic is matched with the mapped topic (the transcript keeps what was on the wire).
   */
  private resolveAlias(packet: Packet): Packet {
    if (packet.cmd !== 'publish' || this.version !== 5) return packet;
    const alias = packet.properties?.topicAlias;
    if (typeof alias !== 'number') return packet;
    const topic = typeof packet.topic === 'string' ? packet.topic : '';
    if (topic !== '') {
      this.inboundAliases.set(alias, topic);
      return packet;
    }
    const mapped = this.inboundAliases.get(alias);
    if (mapped === undefined) return packet;
    this.transcript.event(this.name, `topic alias ${alias} -> ${mapped}`);
    return { ...packet, topic: mapped };
  }

  /**
   * The broker closed the connection in the middle of a packet: the partial frame is kept in the
   * transcript and judged as a malformed packet (it is not a clean close).
   */
  private truncatedBeforeClose(decoder: Decoder, t: number): void {
    if (decoder.failed) return;
    const partial = decoder.pendingBytes();
    if (partial.length === 0) return;
    const announced = decoder.pendingAnnounced;
    const message =
      `truncated packet: the connection closed after ${partial.length} bytes of a packet` +
      (announced > 0 ? ` announcing ${announced} bytes` : ' (its fixed header incomplete)');
    this.transcript.event(this.name, `malformed packet from broker: ${message}`, partial);
    this.onInbound?.(undefined, partial, this);
    this.enqueue({ kind: 'malformed', message, raw: partial, t });
  }

  private enqueue(item: InboxItem): void {
    if (this.closeItem) return;
    if (item.kind === 'packet' && !this.terminal) {
      this.inboxBytes += item.raw.length;
      if (this.inbox.length >= MAX_INBOX_PACKETS || this.inboxBytes > MAX_INBOX_BYTES) {
        // a broker flooding a client no step reads from: stop buffering, close, fail the case
        const message =
          `flood: more than ${MAX_INBOX_PACKETS} packets or ${MAX_INBOX_BYTES / (1024 * 1024)} MiB ` +
          `received and not consumed (${this.inbox.length} packets, ${this.inboxBytes} bytes held)`;
        this.flood = message;
        this.transcript.event(this.name, message);
        this.destroy();
        item = { kind: 'malformed', message, raw: undefined, t: item.t };
      }
    }
    if (item.kind === 'close') this.closeItem = item;
    if (this.terminal) {
      // nothing after a malformed stream is trustworthy; the malformed item stays the head
      if (item.kind !== 'close') return;
    } else {
      if (item.kind !== 'packet') this.terminal = item;
      this.inbox.push(item);
    }
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
  }

  /** The next unconsumed packet, or a terminal item (not consumed), or 'timeout' at the deadline. */
  next(deadline: number, signal?: AbortSignal): Promise<InboxItem | 'timeout'> {
    return this.take(() => true, deadline, signal);
  }

  /**
   * The first unconsumed packet satisfying `pred` (taken out of the inbox wherever it sits; packets
   * before it stay), or the terminal item once every earlier packet was passed over, or 'timeout'.
   */
  async take(
    pred: (p: Packet) => boolean,
    deadline: number,
    signal?: AbortSignal,
  ): Promise<InboxItem | 'timeout'> {
    for (;;) {
      for (let i = 0; i < this.inbox.length; i++) {
        const item = this.inbox[i] as InboxItem;
        if (item.kind !== 'packet') return item;
        if (pred(item.packet)) {
          this.inbox.splice(i, 1);
          this.inboxBytes -= item.raw.length;
          return item;
        }
      }
      const left = deadline - performance.now();
      if (left <= 0 || signal?.aborted) return 'timeout';
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        const onAbort = (): void => done();
        signal?.addEventListener('abort', onAbort, { once: true });
        function done(): void {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }
        this.waiters.push(done);
      });
    }
  }

  /** Returns packets read ahead of what a step consumed to the head of the inbox, in their order. */
  putBack(items: InboxItem[]): void {
    if (items.length > 0) this.inbox.unshift(...items);
  }

  /** Packets received and not consumed (for failure reports). */
  pending(): InboxItem[] {
    return [...this.inbox];
  }

  setVersion(version: ProtocolVersion): void {
    this.version = version;
    this.decoder?.setVersion(version);
  }

  allocMessageId(): number {
    const id = this.nextMessageId;
    this.nextMessageId = id >= 65535 ? 1 : id + 1;
    return id;
  }

  /**
   * Writes bytes already encoded; records them in the transcript. Returns an error text when closed.
   * `frame` (ws only; check `canFrame` first) sends them as one frame of that kind instead of the default.
   */
  write(raw: Buffer, packet: object | undefined, note?: string, frame?: WsFrameKind): string | undefined {
    if (!this.conn) return `client ${this.name} has no open connection (connect or open first)`;
    if (this.conn.closed || this.closeItem) {
      return this.closedByUs
        ? `client ${this.name}: connection already closed by the client`
        : `connection closed by broker before the client could send`;
    }
    this.transcript.packet(this.name, 'out', raw, packet, note);
    this.packetsSent++;
    if (frame !== undefined && this.conn.writeFrame) this.conn.writeFrame(raw, frame);
    else this.conn.write(raw);
    return undefined;
  }

  /** Whether the open connection can shape its frames (ws/wss). */
  get canFrame(): boolean {
    return typeof this.conn?.writeFrame === 'function';
  }

  /** Clean close (FIN / ws close). */
  end(): void {
    this.closedByUs = true;
    this.conn?.end();
  }

  /** Abrupt close (destroy / terminate). */
  destroy(): void {
    if (this.conn && !this.conn.closed) this.closedByUs = true;
    this.conn?.destroy();
  }
}
