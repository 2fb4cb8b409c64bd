// expect, expectNothing, expectClose: reading what the broker sent from a client's inbox.
import { performance } from 'node:perf_hooks';
import type { Packet } from '../../protocol/codec.ts';
import type { InboxItem, ScenarioClient } from '../client.ts';
import {
  type Alternative,
  type CompiledExpect,
  capture,
  compileExpect,
  type Mismatch,
  matchPacket,
  matchUnordered,
} from '../matcher.ts';
import { jsonSafe } from '../transcript.ts';
import { type CaseEnv, StepError, StepFailure } from './common.ts';

function describeItem(item: InboxItem | 'timeout', ms: number, what: string): StepFailure {
  if (item === 'timeout')
    return new StepFailure(`no packet within ${ms}ms (expected ${what})`, undefined, 'nothing received');
  if (item.kind === 'malformed') {
    return new StepFailure(
      `malformed packet from broker: ${item.message}`,
      undefined,
      item.raw ? { $hex: item.raw.subarray(0, 256).toString('hex') } : undefined,
    );
  }
  if (item.kind === 'close') {
    return new StepFailure(
      item.byUs
        ? `connection already closed by the client (expected ${what})`
        : `connection closed by broker (expected ${what})`,
      undefined,
      item.error ? `closed: ${item.error}` : 'closed',
    );
  }
  return new StepFailure(`unexpected ${item.packet.cmd}`, undefined, jsonSafe(item.packet));
}

function cmdsOf(c: CompiledExpect): string {
  const names = (ms: Array<Record<string, unknown>>): string =>
    [...new Set(ms.map((m) => String(m.cmd ?? 'packet')))].join(' or ');
  if (c.kind === 'oneOf')
    return c.alternatives.map((a) => (a.close ? 'close' : String(a.matcher.cmd ?? 'packet'))).join(' or ');
  if (c.kind === 'unordered') return `${c.items.length} packets: ${names(c.items)}`;
  return `${c.count} x ${String(c.match.cmd ?? 'packet')}`;
}

function storeCapture(env: CaseEnv, spec: Record<string, string>, packet: Packet): void {
  if (Object.keys(spec).length === 0) return;
  const { values, missing } = capture(spec, packet);
  if (missing.length > 0)
    throw new StepFailure(
      `capture failed: ${missing.join(', ')} not present in ${packet.cmd}`,
      spec,
      jsonSafe(packet),
    );
  Object.assign(env.vars, values);
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
    const message =
      misses.length === 1 && !acceptClose
        ? (misses[0] as Mismatch).message
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
    const f = describeItem(
      item,
      timeoutMs,
      `${cmd}${messageId !== undefined ? ` messageId ${messageId}` : ''}`,
    );
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
