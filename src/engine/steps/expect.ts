// expect, expectNothing, expectClose: reading what the broker sent from a client's inbox.
import { performance } from 'node:perf_hooks';
import type { Packet } from '../../protocol/codec.ts';
import { TIMING_TOLERANCE_MS } from '../../scenario/step-actions.ts';
import type { ScenarioClient } from '../client.ts';
import {
  type Alternative,
  type CompiledExpect,
  compileExpect,
  type Mismatch,
  matchPacket,
  matchUnordered,
} from '../matcher.ts';
import { isNested } from '../nested.ts';
import { jsonSafe } from '../transcript.ts';
import { type CaseEnv, StepError, StepFailure } from './common.ts';
import { describeItem, describePacket, storeCapture } from './describe.ts';
import { expectNested } from './expect-nested.ts';

function wantedPacket(alt: Alternative | undefined): string {
  if (!alt || alt.close) return 'a close';
  const m = alt.matcher as { cmd?: unknown; messageId?: unknown };
  const id = typeof m.messageId === 'number' || typeof m.messageId === 'string' ? ` id ${m.messageId}` : '';
  return `${String(m.cmd ?? 'packet').toUpperCase()}${id}`;
}

function cmdsOf(c: CompiledExpect): string {
  const names = (ms: Array<Record<string, unknown>>): string =>
    [...new Set(ms.map((m) => String(m.cmd ?? 'packet')))].join(' or ');
  if (c.kind === 'oneOf')
    return c.alternatives.map((a) => (a.close ? 'close' : String(a.matcher.cmd ?? 'packet'))).join(' or ');
  if (c.kind === 'unordered') return `${c.items.length} packets: ${names(c.items)}`;
  return `${c.count} x ${String(c.match.cmd ?? 'packet')}`;
}

/** Runs a (resolved) `expect` matcher against the client's inbox; returns the matched packets. */
export async function expectOn(
  env: CaseEnv,
  client: ScenarioClient,
  spec: Record<string, unknown>,
  skip: string[],
  timeoutMs: number,
): Promise<Packet[]> {
  if (!client.conn)
    throw new StepError(`client ${client.name} has no connection yet (connect or open it first)`);
  const compiled = compileExpect(spec);
  const deadline = performance.now() + timeoutMs;
  const skipSet = new Set(skip.map((s) => s.toLowerCase()));
  const want = cmdsOf(compiled);
  const expected = jsonSafe(spec);
  const nextPacket = async (acceptClose: boolean): Promise<Packet | 'close'> => {
    for (;;) {
      const item = await client.next(deadline, env.signal);
      if (item !== 'timeout' && item.kind === 'packet') {
        if (skipSet.has(item.packet.cmd)) continue;
        return item.packet;
      }
      if (acceptClose && item !== 'timeout' && item.kind === 'close' && !item.byUs) return 'close';
      const f = describeItem(item, timeoutMs, want);
      throw new StepFailure(f.message, expected, f.actual);
    }
  };

  if (isNested(spec)) return expectNested(env, client, spec, skipSet, deadline, timeoutMs);
  if (compiled.kind === 'oneOf') {
    const acceptClose = compiled.alternatives.some((a) => a.close);
    const packet = await nextPacket(acceptClose);
    if (packet === 'close') return [];
    const misses: Mismatch[] = [];
    for (const alt of compiled.alternatives) {
      if (alt.close) continue;
      const m = matchPacket(alt.matcher, packet);
      if (!m) {
        storeCapture(env, alt.capture, packet);
        return [packet];
      }
      misses.push(m);
    }
    const only = misses.length === 1 && !acceptClose ? (misses[0] as Mismatch) : undefined;
    const message = only
      ? only.path === 'cmd'
        ? `expected ${wantedPacket(compiled.alternatives[0])}, got ${describePacket(packet)}`
        : only.message
      : `matched none of ${compiled.alternatives.length} alternatives: ${misses.map((m, i) => `[${i + 1}] ${m.message}`).join('; ')}${acceptClose ? '; [close] got a packet instead of a close' : ''}`;
    throw new StepFailure(message, expected, jsonSafe(packet));
  }
  if (compiled.kind === 'unordered') {
    const got: Packet[] = [];
    for (let i = 0; i < compiled.items.length; i++) {
      try {
        got.push((await nextPacket(false)) as Packet);
      } catch (e) {
        if (e instanceof StepFailure)
          throw new StepFailure(
            `${e.message} after ${got.length} of ${compiled.items.length}`,
            expected,
            jsonSafe(got),
          );
        throw e;
      }
    }
    const paired = matchUnordered(compiled.items, got);
    if ('problem' in paired)
      throw new StepFailure(`unordered set: ${paired.problem}`, expected, jsonSafe(got));
    compiled.items.forEach((item, i) => {
      const cap = item.capture;
      const packet = got[paired.pairs[i] as number];
      if (cap && typeof cap === 'object' && packet) storeCapture(env, cap as Record<string, string>, packet);
    });
    if (got[0]) storeCapture(env, compiled.capture, got[0]);
    return got;
  }
  const got: Packet[] = [];
  for (let i = 0; i < compiled.count; i++) {
    let packet: Packet;
    try {
      packet = (await nextPacket(false)) as Packet;
    } catch (e) {
      if (e instanceof StepFailure)
        throw new StepFailure(`${e.message} after ${got.length} of ${compiled.count}`, expected, e.actual);
      throw e;
    }
    const m = matchPacket(compiled.match, packet);
    if (m)
      throw new StepFailure(`packet ${i + 1} of ${compiled.count}: ${m.message}`, expected, jsonSafe(packet));
    got.push(packet);
  }
  if (got[0]) storeCapture(env, compiled.capture, got[0]);
  return got;
}

/**
 * Waits for the acknowledgement `cmd` with `messageId` wherever it sits in the inbox (other packets stay
 * for later expects), then matches it against `matcher`. A `oneOf` matcher may offer other packets (e.g. a
 * DISCONNECT) or `{ close: true }` instead of the acknowledgement.
 */
export async function expectAck(
  env: CaseEnv,
  client: ScenarioClient,
  cmd: string,
  messageId: number | undefined,
  matcher: Record<string, unknown>,
  timeoutMs: number,
): Promise<Packet | undefined> {
  const deadline = performance.now() + timeoutMs;
  const compiled = compileExpect(matcher);
  const alternatives: Alternative[] =
    compiled.kind === 'oneOf' ? compiled.alternatives : [{ matcher, capture: {} }];
  const ackFields = { cmd, ...(messageId !== undefined ? { messageId } : {}) };
  // alternatives naming another packet type (e.g. a DISCONNECT instead of the ack) stand as written
  const full: Alternative[] = alternatives.map((a) =>
    a.close || (a.matcher.cmd !== undefined && String(a.matcher.cmd).toLowerCase() !== cmd)
      ? a
      : { ...a, matcher: { ...ackFields, ...a.matcher } },
  );
  const expected = jsonSafe(
    full.length === 1 && !full[0]?.close
      ? (full[0] as { matcher: unknown }).matcher
      : { oneOf: full.map((a) => (a.close ? a : a.matcher)) },
  );
  const otherCmds = new Set(
    full
      .flatMap((a) => (a.close ? [] : [String(a.matcher.cmd ?? cmd).toLowerCase()]))
      .filter((c) => c !== cmd),
  );
  const item = await client.take(
    (p) =>
      (p.cmd === cmd && (messageId === undefined || (p as { messageId?: number }).messageId === messageId)) ||
      otherCmds.has(p.cmd),
    deadline,
    env.signal,
  );
  if (item !== 'timeout' && item.kind === 'close' && !item.byUs && full.some((a) => a.close))
    return undefined;
  if (item === 'timeout' || item.kind !== 'packet') {
    const want = `${cmd.toUpperCase()}${messageId !== undefined ? ` id ${messageId}` : ''}`;
    // say what arrived instead: "expected PUBREC id 1, got PUBACK id 1", never "nothing received"
    const others = client.pending().flatMap((i) => (i.kind === 'packet' ? [i.packet] : []));
    if (others.length > 0) {
      const got = others.slice(0, 5).map(describePacket).join(', ');
      const more = others.length > 5 ? ` and ${others.length - 5} more` : '';
      const end = item === 'timeout' ? `within ${timeoutMs}ms` : 'before the connection closed';
      throw new StepFailure(`expected ${want}, got ${got}${more} ${end}`, expected, jsonSafe(others[0]));
    }
    const f = describeItem(item, timeoutMs, want);
    throw new StepFailure(f.message, expected, f.actual);
  }
  const misses: Mismatch[] = [];
  for (const alt of full) {
    if (alt.close) continue;
    const m = matchPacket(alt.matcher, item.packet);
    if (!m) {
      const cap = alt.matcher.capture;
      if (cap && typeof cap === 'object') storeCapture(env, cap as Record<string, string>, item.packet);
      else storeCapture(env, alt.capture, item.packet);
      return item.packet;
    }
    misses.push(m);
  }
  const message =
    misses.length === 1
      ? (misses[0] as Mismatch).message
      : `matched none of ${full.length} alternatives: ${misses.map((m, i) => `[${i + 1}] ${m.message}`).join('; ')}`;
  throw new StepFailure(message, expected, jsonSafe(item.packet));
}

export async function expectNothing(
  env: CaseEnv,
  client: ScenarioClient,
  forMs: number,
  except: string[],
): Promise<void> {
  const deadline = performance.now() + forMs;
  const allowed = new Set(except.map((s) => s.toLowerCase()));
  for (;;) {
    const item = await client.next(deadline, env.signal);
    if (item === 'timeout') return;
    if (item.kind === 'packet' && allowed.has(item.packet.cmd)) continue;
    if (item.kind === 'close' && item.byUs) return;
    if (item.kind === 'packet')
      throw new StepFailure(
        `expected nothing for ${forMs}ms, got ${item.packet.cmd}`,
        'nothing',
        jsonSafe(item.packet),
      );
    const f = describeItem(item, forMs, 'nothing');
    throw new StepFailure(`expected nothing for ${forMs}ms: ${f.message}`, 'nothing', f.actual);
  }
}

/** The window of an expectClose: as written, or for `within: keepAlive` the spec's 1.5 times the keep alive in
 *  force on the connection (MQTT-3.1.2-22 in 5.0, MQTT-3.1.2-24 in 3.1.1) plus the one documented tolerance. */
export function closeWindowMs(
  env: CaseEnv,
  client: ScenarioClient,
  a: { withinMs: number; keepAlive?: boolean },
): number {
  if (!a.keepAlive) return a.withinMs;
  const ka = client.keepAliveSeconds;
  if (ka === undefined || ka === 0)
    throw new StepError(
      `within: keepAlive needs a connection with a non-zero keep alive (client ${client.name} has ${ka ?? 'none'})`,
    );
  const ms = Math.min(a.withinMs, 1.5 * ka * 1000 + TIMING_TOLERANCE_MS);
  env.transcript.event(
    client.name,
    `close expected within ${ms}ms: 1.5 x keep alive ${ka}s + ${TIMING_TOLERANCE_MS}ms tolerance`,
  );
  return ms;
}

export async function expectClose(
  env: CaseEnv,
  client: ScenarioClient,
  o: {
    withinMs: number;
    disconnect: 'optional' | 'required' | 'forbidden';
    reasonCodes: number[] | undefined;
    allowPackets: boolean;
  },
): Promise<void> {
  const deadline = performance.now() + o.withinMs;
  const expected = jsonSafe({
    close: true,
    within: `${o.withinMs}ms`,
    disconnect: o.disconnect,
    reasonCodes: o.reasonCodes,
  });
  let disconnect: Packet | undefined;
  for (;;) {
    const item = await client.next(deadline, env.signal);
    if (item === 'timeout') {
      throw new StepFailure(
        `broker did not close the connection within ${o.withinMs}ms${disconnect ? ' (DISCONNECT received, socket left open)' : ''}`,
        expected,
        disconnect ? jsonSafe(disconnect) : 'connection still open',
      );
    }
    if (item.kind === 'malformed') {
      const f = describeItem(item, o.withinMs, 'close');
      throw new StepFailure(f.message, expected, f.actual);
    }
    if (item.kind === 'close') {
      if (item.byUs)
        throw new StepFailure(
          'the client closed the connection itself before the broker did',
          expected,
          'closed by client',
        );
      if (o.disconnect === 'required' && !disconnect)
        throw new StepFailure(
          'broker closed the connection without sending DISCONNECT (required)',
          expected,
          'closed without DISCONNECT',
        );
      return;
    }
    const p = item.packet;
    if (p.cmd === 'disconnect') {
      if (o.disconnect === 'forbidden')
        throw new StepFailure(
          'broker sent DISCONNECT (forbidden here: it must just close)',
          expected,
          jsonSafe(p),
        );
      const rc = (p as { reasonCode?: number }).reasonCode ?? 0;
      if (o.reasonCodes && o.reasonCodes.length > 0 && !o.reasonCodes.includes(rc)) {
        const hex = (n: number): string => `0x${n.toString(16).padStart(2, '0')}`;
        if (rc >= 0x80) {
          // an error code all the same: the close is the MUST, the spec's choice of code is guidance (4.13),
          // so another error code is graded non-strict, not failed
          const note = `DISCONNECT reason code ${hex(rc)} where the spec names ${o.reasonCodes.map(hex).join(' or ')} (not a MUST: non-strict)`;
          env.transcript.event(client.name, note);
          env.state.nonStrict = [...(env.state.nonStrict ?? []), note];
          disconnect = p;
          continue;
        }
        throw new StepFailure(
          `DISCONNECT reason code ${hex(rc)}, expected ${o.reasonCodes.map(hex).join(' or ')}`,
          expected,
          jsonSafe(p),
        );
      }
      disconnect = p;
      continue;
    }
    if (!o.allowPackets)
      throw new StepFailure(`expected the broker to close, got ${p.cmd}`, expected, jsonSafe(p));
  }
}
