// Capability detection: what the broker announces in a 5.0 CONNACK (or the spec defaults when it is absent),
// whether it speaks 3.1.1 and 5.0 at all, and whether a WebSocket endpoint answers.
import { randomBytes } from 'node:crypto';
import { Decoder, encode, type Packet, type ProtocolVersion } from '../protocol/codec.ts';
import { type ConnectOptions, connect } from '../transport/index.ts';

export interface Capabilities {
  /** MQTT 3.1 (protocol name MQIsdp, level 3): probed like the others. */
  mqtt31: boolean;
  mqtt311: boolean;
  mqtt5: boolean;
  ws: boolean;
  maximumQoS: number;
  retainAvailable: boolean;
  wildcardSubscriptionAvailable: boolean;
  sharedSubscriptionAvailable: boolean;
  subscriptionIdentifiersAvailable: boolean;
  receiveMaximum: number;
  topicAliasMaximum: number;
  maximumPacketSize: number;
  serverKeepAlive: number | undefined;
}

/** Defaults of MQTT 5.0 when CONNACK omits a property (3.2.2.3.x). */
export const DEFAULT_CAPABILITIES: Capabilities = {
  mqtt31: true,
  mqtt311: true,
  mqtt5: true,
  ws: false,
  maximumQoS: 2,
  retainAvailable: true,
  wildcardSubscriptionAvailable: true,
  sharedSubscriptionAvailable: true,
  subscriptionIdentifiersAvailable: true,
  receiveMaximum: 65535,
  topicAliasMaximum: 0,
  maximumPacketSize: 268_435_460,
  serverKeepAlive: undefined,
};

export interface ProbeOptions {
  brokerUrl: string;
  wsUrl?: string | undefined;
  tls?: ConnectOptions['tls'];
  timeoutMs: number;
  auth?: { username?: string; password?: string } | undefined;
}

export class BrokerUnreachableError extends Error {
  constructor(
    message: string,
    readonly url: string,
  ) {
    super(message);
    this.name = 'BrokerUnreachableError';
  }
}

type ProbeResult = { kind: 'connack'; packet: Packet } | { kind: 'closed' } | { kind: 'timeout' };

/** One CONNECT/CONNACK exchange; the transport error propagates when the broker cannot be reached at all. */
async function probe(url: string, version: ProtocolVersion, opts: ProbeOptions): Promise<ProbeResult> {
  const conn = await connect(url, {
    timeoutMs: opts.timeoutMs,
    version,
    ...(opts.tls ? { tls: opts.tls } : {}),
  });
  return new Promise<ProbeResult>((resolve) => {
    let done = false;
    const finish = (r: ProbeResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (
        r.kind === 'connack' &&
        (r.packet as { returnCode?: number; reasonCode?: number }).returnCode === 0
      ) {
        conn.write(encode({ cmd: 'disconnect' } as Packet, version));
        conn.end();
      } else conn.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => finish({ kind: 'timeout' }), opts.timeoutMs);
    const decoder = new Decoder(version, {
      packet: (p) => finish(p.cmd === 'connack' ? { kind: 'connack', packet: p } : { kind: 'closed' }),
      error: () => finish({ kind: 'closed' }),
    });
    conn.onData((chunk) => decoder.push(chunk));
    conn.onClose(() => finish({ kind: 'closed' }));
    const clientId = `crucibleprobe${randomBytes(4).toString('hex')}`;
    const packet: Record<string, unknown> = {
      cmd: 'connect',
      protocolId: version === 3 ? 'MQIsdp' : 'MQTT',
      protocolVersion: version,
      clientId,
      clean: true,
      keepalive: 30,
    };
    if (opts.auth?.username !== undefined) packet.username = opts.auth.username;
    if (opts.auth?.password !== undefined) packet.password = Buffer.from(opts.auth.password);
    if (version === 5) packet.properties = { requestProblemInformation: true };
    conn.write(encode(packet as unknown as Packet, version));
  });
}

function code(r: ProbeResult): number | undefined {
  if (r.kind !== 'connack') return undefined;
  const p = r.packet as { returnCode?: number; reasonCode?: number };
  return p.reasonCode ?? p.returnCode;
}

function accepted(r: ProbeResult): r is { kind: 'connack'; packet: Packet } {
  return code(r) === 0;
}

/** Any CONNACK except "unacceptable protocol version" (3.x code 1, 5.0 0x84) shows the version is spoken:
 *  a broker that redirects (0x9C/0x9D) or wants credentials still speaks it. */
function speaks(r: ProbeResult): boolean {
  const c = code(r);
  return c !== undefined && c !== 1 && c !== 0x84;
}

export async function detectCapabilities(opts: ProbeOptions): Promise<Capabilities> {
  const caps: Capabilities = { ...DEFAULT_CAPABILITIES };
  let v5: ProbeResult;
  try {
    v5 = await probe(opts.brokerUrl, 5, opts);
  } catch (err) {
    throw new BrokerUnreachableError(
      `broker unreachable at ${opts.brokerUrl}: ${err instanceof Error ? err.message : String(err)}`,
      opts.brokerUrl,
    );
  }
  const v4 = await probe(opts.brokerUrl, 4, opts).catch((): ProbeResult => ({ kind: 'closed' }));
  const v3 = await probe(opts.brokerUrl, 3, opts).catch((): ProbeResult => ({ kind: 'closed' }));
  caps.mqtt5 = speaks(v5);
  caps.mqtt311 = speaks(v4);
  caps.mqtt31 = speaks(v3);
  if (!caps.mqtt5 && !caps.mqtt311) {
    const why =
      v4.kind === 'timeout' ? 'no CONNACK within the deadline' : 'CONNECT refused or connection closed';
    throw new BrokerUnreachableError(
      `broker at ${opts.brokerUrl} did not accept an MQTT connection (${why})`,
      opts.brokerUrl,
    );
  }
  if (accepted(v5)) {
    const props = ((v5.packet as { properties?: Record<string, unknown> }).properties ?? {}) as Record<
      string,
      unknown
    >;
    if (typeof props.maximumQoS === 'number') caps.maximumQoS = props.maximumQoS;
    for (const k of [
      'retainAvailable',
      'wildcardSubscriptionAvailable',
      'sharedSubscriptionAvailable',
      'subscriptionIdentifiersAvailable',
    ] as const) {
      if (typeof props[k] === 'boolean') caps[k] = props[k] as boolean;
    }
    if (typeof props.receiveMaximum === 'number') caps.receiveMaximum = props.receiveMaximum;
    if (typeof props.topicAliasMaximum === 'number') caps.topicAliasMaximum = props.topicAliasMaximum;
    if (typeof props.maximumPacketSize === 'number') caps.maximumPacketSize = props.maximumPacketSize;
    if (typeof props.serverKeepAlive === 'number') caps.serverKeepAlive = props.serverKeepAlive;
  }
  if (opts.wsUrl) {
    const ws = await probe(opts.wsUrl, caps.mqtt5 ? 5 : 4, opts).catch(
      (): ProbeResult => ({ kind: 'closed' }),
    );
    caps.ws = speaks(ws);
  }
  return caps;
}
