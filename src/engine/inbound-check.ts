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

export function inboundCheck(env: CaseEnv): InboundHook {
  const seen = new Set<string>();
  return (packet, raw, client) => {
    if (env.findings.length >= MAX_FINDINGS || client.foreignProtocol) return;
    const ctx: CheckContext = { version: client.version, role: 'server' };
    if (client.connectInfo) ctx.connect = client.connectInfo;
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
