// Capability detection: what the broker announces in a 5.0 CONNACK (or the spec defaults when it is absent),
// whether it speaks 3.1.1 and 5.0 at all, and whether a WebSocket endpoint answers.
import { randomBytes } from 'node:crypto';
import { Decoder, encode, type Packet, type ProtocolVersion } from '../protocol/codec.ts';
import { type ConnectOptions, connect } from '../transport/index.ts';
import { GrantProbe } from './probe-grant.ts';

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
  /** 3.1.1 cannot announce a maximum QoS: the grant of a QoS 2 SUBSCRIBE on a probe connection, when 3.1.1 is
   *  spoken. Cases of 3.1.1 (and 3.1) read `maximumQoS` from here. */
  mqtt311MaximumQoS?: number | undefined;
  /** Unacknowledged QoS 1 deliveries the broker sent at once to a probe client (up to 25), when measured. Cases
   *  that need several in flight require `inflightDeliveries: { $gte: n }`; absent means not measured (no limit assumed). */
  inflightDeliveries?: number | undefined;
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
  inflightDeliveries: 25,
};

interface ProbeOptions {
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

/** The broker answered the probe CONNECT with a refusal about who we are or whether it serves us: no case can
 *  run, so the run stops before the first one (exit 6). */
export class ProbeRefusedError extends Error {
  constructor(
    message: string,
    readonly url: string,
    readonly code: number,
  ) {
    super(message);
    this.name = 'ProbeRefusedError';
  }
}

/** Refusals that no case can get past: 3.1.1 return codes and 5.0 reason codes (3.2.2.2, 3.2.2.2 in 5.0). */
const REFUSALS_V4: Record<number, string> = {
  3: 'server unavailable',
  4: 'bad user name or password',
  5: 'not authorized',
};
const REFUSALS_V5: Record<number, string> = {
  134: 'Bad User Name or Password',
  135: 'Not authorized',
  136: 'Server unavailable',
  137: 'Server busy',
  138: 'Banned',
  140: 'Bad authentication method',
};

type ProbeResult =
  | { kind: 'connack'; packet: Packet; granted?: number; inflight?: number }
  | { kind: 'closed' }
  | { kind: 'timeout' };

/** Options of one probe: `subscribeQoS2` also subscribes at QoS 2 after an accepted CONNACK and reads the grant. */
interface ProbeWhat {
  subscribeQoS2?: boolean;
}

/** One CONNECT/CONNACK exchange; the transport error propagates when the broker cannot be reached at all. */
async function probe(
  url: string,
  version: ProtocolVersion,
  opts: ProbeOptions,
  what: ProbeWhat = {},
): Promise<ProbeResult> {
  const conn = await connect(url, {
    timeoutMs: opts.timeoutMs,
    version,
    ...(opts.tls ? { tls: opts.tls } : {}),
  });
  return new Promise<ProbeResult>((resolve) => {
    let done = false;
    let connack: Packet | undefined;
    const clientId = `crucibleprobe${randomBytes(4).toString('hex')}`;
    const send = (p: Record<string, unknown>): void => {
      conn.write(encode(p as unknown as Packet, version));
    };
    const result = (): ProbeResult =>
      connack ? { kind: 'connack', packet: connack, ...grant.result() } : { kind: 'closed' };
    const finish = (r: ProbeResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      grant.stop();
      if (r.kind === 'connack' && (r.packet as { returnCode?: number }).returnCode === 0) {
        send({ cmd: 'disconnect' });
        conn.end();
      } else conn.destroy();
      resolve(r);
    };
    const grant = new GrantProbe(send, `crucible/${clientId}`, () => finish(result()));
    const timer = setTimeout(() => finish(connack ? result() : { kind: 'timeout' }), opts.timeoutMs);
    const decoder = new Decoder(version, {
      packet: (p) => {
        if (p.cmd === 'connack' && !connack) {
          connack = p;
          const rc = (p as { returnCode?: number; reasonCode?: number }).returnCode ?? p.reasonCode;
          if (what.subscribeQoS2 && rc === 0) return grant.start();
          return finish(result());
        }
        if (connack && grant.onPacket(p)) return;
        finish(result());
      },
      error: () => finish(result()),
    });
    conn.onData((chunk) => decoder.push(chunk));
    conn.onClose(() => finish(result()));
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

/** Throws ProbeRefusedError when neither version was accepted and at least one probe got a refusal above. */
function refusedProbe(opts: ProbeOptions, v5: ProbeResult, v4: ProbeResult): void {
  if (accepted(v5) || accepted(v4)) return;
  const c5 = code(v5);
  const c4 = code(v4);
  // a 5.0 redirection (Use another server / Server moved) is served by the redirection cases
  if (c5 === 0x9c || c5 === 0x9d) return;
  const why5 = c5 !== undefined ? REFUSALS_V5[c5] : undefined;
  const why4 = c4 !== undefined ? REFUSALS_V4[c4] : undefined;
  if (!why5 && !why4) return;
  const hex = (n: number): string => `0x${n.toString(16).padStart(2, '0')}`;
  const parts = [
    ...(why5 ? [`MQTT 5.0 reason code ${hex(c5 as number)} (${why5})`] : []),
    ...(why4 ? [`MQTT 3.1.1 return code ${c4} (${why4})`] : []),
  ];
  const user = opts.auth?.username;
  const hint =
    user === undefined
      ? 'the probe connected without credentials: give a user the broker accepts under the `auth` key of --profile, e.g. auth: { username: u, password: p }'
      : `the probe connected as '${user}' from the \`auth\` key of --profile: check that user and password on the broker`;
  throw new ProbeRefusedError(
    `broker at ${opts.brokerUrl} refused the probe CONNECT with ${parts.join(' and ')}; no case was run. ${hint}`,
    opts.brokerUrl,
    (c5 ?? c4) as number,
  );
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
  const v4 = await probe(opts.brokerUrl, 4, opts, { subscribeQoS2: true }).catch(
    (): ProbeResult => ({ kind: 'closed' }),
  );
  refusedProbe(opts, v5, v4);
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
  // MQTT 3.1.1 cannot announce a maximum QoS: a QoS 2 SUBSCRIBE granted 0 or 1 shows it (3.8.4 allows it)
  if (accepted(v4) && v4.granted !== undefined && v4.granted <= 2) caps.mqtt311MaximumQoS = v4.granted;
  // a server may keep fewer deliveries in flight than the client allows, down to one (4.9 / 3.3.4 in 5.0)
  if (accepted(v4) && v4.inflight !== undefined && v4.inflight >= 1) caps.inflightDeliveries = v4.inflight;
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
