// The strict checker (src/protocol/checker.ts) on every packet a broker sends: findings are recorded
// per case (MUST findings fail the case in runCase, SHOULD findings are kept for the report).
import { type CheckContext, checkInbound } from '../protocol/checker.ts';
import type { Packet } from '../protocol/codec.ts';
import type { InboundHook } from './client.ts';
import type { CaseEnv } from './steps/common.ts';

/** Findings kept per case; a broker repeating one fault on every packet does not flood the report. */
const MAX_FINDINGS = 200;

/** What the client announced in its CONNECT that changes what the broker may send (MQTT 5). */
export function connectContext(packet: Packet): CheckContext['connect'] {
  const props = (packet as { properties?: Record<string, unknown> }).properties ?? {};
  const c: NonNullable<CheckContext['connect']> = { authenticationMethod: null };
  if (typeof props.requestResponseInformation === 'boolean')
    c.requestResponseInformation = props.requestResponseInformation;
  if (typeof props.requestProblemInformation === 'boolean')
    c.requestProblemInformation = props.requestProblemInformation;
  if (typeof props.topicAliasMaximum === 'number') c.topicAliasMaximum = props.topicAliasMaximum;
  if (typeof props.maximumPacketSize === 'number') c.maximumPacketSize = props.maximumPacketSize;
  if (typeof props.authenticationMethod === 'string') c.authenticationMethod = props.authenticationMethod;
  return c;
}

/** Payloads kept per case for the checker (topic -> payloads the case's clients published or willed). */
const MAX_SENT_PAYLOADS = 1000;
const sentByCase = new WeakMap<CaseEnv, Map<string, Buffer[]>>();
/** Connections that received a CONNACK refusing them: any later packet is a finding. */
const refused = new WeakSet<object>();

function remember(env: CaseEnv, topic: unknown, payload: unknown): void {
  if (typeof topic !== 'string' || topic === '' || !Buffer.isBuffer(payload)) return;
  let m = sentByCase.get(env);
  if (!m) {
    m = new Map();
    sentByCase.set(env, m);
  }
  const list = m.get(topic) ?? [];
  if (list.length >= MAX_SENT_PAYLOADS || list.some((p) => p.equals(payload))) return;
  list.push(Buffer.from(payload));
  m.set(topic, list);
}

/** Notes what a client sent that the broker may hand back (PUBLISH payloads, will messages). */
export function noteSent(env: CaseEnv, packet: object | undefined): void {
  const p = packet as {
    cmd?: string;
    topic?: unknown;
    payload?: unknown;
    will?: { topic?: unknown; payload?: unknown };
  };
  if (p?.cmd === 'publish') remember(env, p.topic, p.payload);
  else if (p?.cmd === 'connect' && p.will) remember(env, p.will.topic, p.will.payload);
}

function refuses(packet: Packet | undefined): boolean {
  if (packet?.cmd !== 'connack') return false;
  const c = packet as { returnCode?: number; reasonCode?: number };
  return (c.reasonCode ?? 0) >= 0x80 || (c.returnCode ?? 0) !== 0;
}

export function inboundCheck(env: CaseEnv): InboundHook {
  const seen = new Set<string>();
  return (packet, raw, client) => {
    if (env.findings.length >= MAX_FINDINGS || client.foreignProtocol) return;
    const ctx: CheckContext = { version: client.version, role: 'server' };
    if (client.connectInfo) ctx.connect = client.connectInfo;
    const sent = sentByCase.get(env);
    if (sent) ctx.sentPayloads = sent;
    if (client.conn && refused.has(client.conn)) ctx.afterRefusal = true;
    else if (client.conn && refuses(packet)) refused.add(client.conn);
    let found: ReturnType<typeof checkInbound>;
    try {
      found = checkInbound(packet, raw, ctx);
    } catch (e) {
      env.transcript.event(client.name, `checker error: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    for (const f of found) {
      const key = `${client.name}|${f.statement}|${f.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      env.findings.push({
        statement: f.statement,
        message: f.message,
        severity: f.severity,
        client: client.name,
      });
      env.transcript.event(client.name, `finding ${f.severity.toUpperCase()} ${f.statement}: ${f.message}`);
    }
  };
}
