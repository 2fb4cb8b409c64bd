// open, connect, disconnect, drop: the life of a client's network connection.

import { encode } from '../../protocol/codec.ts';
import type { Step, StepAction, WsFrame } from '../../scenario/model.ts';
import { connect as openTransport, TransportError } from '../../transport/index.ts';
import type { ScenarioClient } from '../client.ts';
import { connectContext, noteSent } from '../inbound-check.ts';
import { fillDefaults } from '../packet-defaults.ts';
import { type CaseEnv, StepError, StepFailure } from './common.ts';
import { expectOn } from './expect.ts';
import { proxyFor } from './fault.ts';

/** The URL for a transport choice: `ws` needs a ws URL (the broker URL when it is one). */
export function urlFor(env: CaseEnv, transport: 'tcp' | 'ws'): string {
  const broker = env.ctx.brokerUrl;
  const isWs = /^wss?:/i.test(broker);
  if (transport === 'ws' && !isWs) {
    if (env.ctx.wsUrl) return env.ctx.wsUrl;
    throw new StepError(
      `this case needs a WebSocket URL (client transport: ws) and none is known for ${broker}`,
    );
  }
  return broker;
}

/** Opens the client's transport if it is not open yet. */
export async function ensureOpen(
  env: CaseEnv,
  client: ScenarioClient,
  transport: 'tcp' | 'ws' | undefined,
  timeoutMs: number,
): Promise<void> {
  if (client.isOpen) return;
  const url = urlFor(env, transport ?? client.transport);
  const first = env.state.connectAttempts === 0 && !env.state.anySent;
  env.state.connectAttempts++;
  env.transcript.event(client.name, `open ${url}`);
  try {
    const opts: Parameters<typeof openTransport>[1] = { timeoutMs, version: client.version };
    if (env.ctx.tls) opts.tls = env.ctx.tls;
    const proxy = await proxyFor(env, client.name, url);
    if (proxy) opts.via = { host: proxy.host, port: proxy.port };
    const conn = await openTransport(url, opts);
    if (env.signal.aborted) {
      conn.destroy();
      throw new StepFailure('case aborted');
    }
    client.attach(conn);
  } catch (e) {
    if (e instanceof StepFailure) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    env.transcript.event(client.name, `open failed: ${msg}`);
    if (first && e instanceof TransportError && e.kind !== 'bad-url') throw new StepError(msg, 'unreachable');
    if (e instanceof TransportError && e.kind === 'bad-url') throw new StepError(msg, 'scenario');
    throw new StepFailure(`could not open a connection: ${msg}`);
  }
}

export async function doOpen(env: CaseEnv, step: Step, a: StepAction & { kind: 'open' }): Promise<void> {
  await ensureOpen(env, env.client(step.client), a.transport, env.deadlineMs(step));
}

export function encodeFor(client: ScenarioClient, packet: Parameters<typeof encode>[0]): Buffer {
  try {
    return encode(packet, client.version);
  } catch (e) {
    throw new StepError(`cannot encode ${packet.cmd}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function isWellFormedUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

export function writeOrFail(
  env: CaseEnv,
  client: ScenarioClient,
  raw: Buffer,
  packet: object | undefined,
  note?: string,
  frame?: WsFrame,
): void {
  if (!client.conn)
    throw new StepError(`client ${client.name} has no connection yet (connect or open it first)`);
  if (frame !== undefined && !client.canFrame)
    throw new StepError(
      `frame: ${frame} needs a WebSocket connection, but client ${client.name} is on ${client.conn.scheme}`,
    );
  if (frame === 'text' && !isWellFormedUtf8(raw))
    env.transcript.event(
      client.name,
      'the TEXT frame is not valid UTF-8: a WebSocket server closes on that alone (RFC 6455 section 8.1)',
    );
  const framed =
    frame === undefined || frame === 'binary' ? note : `${note ? `${note}, ` : ''}${frame} frame`;
  const err = client.write(raw, packet, framed, frame);
  if (err) throw new StepFailure(err, undefined, 'connection closed');
  env.state.anySent = true;
  noteSent(env, packet);
}

export async function doConnect(
  env: CaseEnv,
  step: Step,
  a: StepAction & { kind: 'connect' },
): Promise<void> {
  const client = env.client(step.client);
  const timeoutMs = env.deadlineMs(step);
  await ensureOpen(env, client, a.transport, timeoutMs);
  const written = env.resolve(a.packet);
  const ownCredentials = 'username' in written || 'password' in written;
  const spec = ownCredentials ? written : { ...env.ctx.connectDefaults, ...written };
  const packet = fillDefaults({ ...spec, cmd: 'connect' }, 'connect', {
    version: client.version,
    clientId: client.clientId,
    allocMessageId: () => client.allocMessageId(),
  });
  // a CONNECT overriding protocolVersion switches how this connection is encoded and decoded
  const level = (packet as { protocolVersion?: unknown }).protocolVersion;
  if ((level === 3 || level === 4 || level === 5) && level !== client.version) client.setVersion(level);
  writeOrFail(env, client, encodeFor(client, packet), packet);
  client.connectInfo = connectContext(packet);
  const ka = (packet as { keepalive?: unknown }).keepalive;
  client.keepAliveSeconds = typeof ka === 'number' ? ka : undefined;
  if (a.connack === 'none') return;
  const ok: Record<string, unknown> = client.version === 5 ? { reasonCode: 0 } : { returnCode: 0 };
  const given: Record<string, unknown> = a.connack ? env.resolve(a.connack) : ok;
  const matcher = Array.isArray(given.oneOf) ? given : { cmd: 'connack', ...given };
  const [connack] = await expectOn(env, client, matcher, [], timeoutMs);
  // MQTT-3.2.2-21: the Server Keep Alive replaces the client's
  const ska = (connack as { properties?: { serverKeepAlive?: unknown } } | undefined)?.properties
    ?.serverKeepAlive;
  if (typeof ska === 'number') client.keepAliveSeconds = ska;
}

export async function doDisconnect(
  env: CaseEnv,
  step: Step,
  a: StepAction & { kind: 'disconnect' },
): Promise<void> {
  const client = env.client(step.client);
  const spec = env.resolve(a.packet);
  const packet = fillDefaults({ ...spec, cmd: 'disconnect' }, 'disconnect', {
    version: client.version,
    clientId: client.clientId,
    allocMessageId: () => client.allocMessageId(),
  });
  writeOrFail(env, client, encodeFor(client, packet), packet);
  client.end();
}

export function doDrop(env: CaseEnv, step: Step): void {
  const client = env.client(step.client);
  env.transcript.event(client.name, 'drop: socket destroyed by the client (no DISCONNECT)');
  client.destroy();
}
