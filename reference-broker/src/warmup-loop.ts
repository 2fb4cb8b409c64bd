// The in-process part of the start-up warm-up: the broker's own connect path (framing, the plain
// CONNECT read, session, keep alive, CONNACK, DISCONNECT, the session dropped) run WARMUP_LOOP times
// through Connection objects on a transport that goes nowhere. The socket burst of warmup.ts warms
// Node's sockets and streams, but its 1,000 connections leave the broker's own functions short of the
// optimizing compiler; these runs cost a few µs each instead of a socket pair's ~200 µs (the loop adds
// ~60 ms to the start). Measured with reference-broker/bench/connect-storm.bench.ts --tree (medians of
// 5 rounds, storms of 1,000): the broker's CPU time fell from 135-140 to 90 ms, the level of a bare
// Node.js socket server (node-floor, 80-90 ms), and its conn/s rose from ~5,900-6,600 to ~6,700-7,100.
import { encodeVbi } from '../../src/protocol/vbi.ts';
import type { Broker } from './broker.ts';
import { acceptTransport } from './listeners.ts';
import type { Transport, TransportEvents } from './transport.ts';

/** Connections run through the loop (bounded: at most WARMUP_LOOP_WAVE exist at any time). */
export const WARMUP_LOOP = 5000;
const WARMUP_LOOP_WAVE = 250;
const DISCONNECT = Buffer.from([0xe0, 0x00]);

/** A transport that keeps the first bytes written (the CONNACK) and closes on the next tick. */
class LoopTransport implements Transport {
  readonly remote = 'warm-up';
  first: Buffer | undefined;
  private ev: TransportEvents | undefined;
  attach(ev: TransportEvents): void {
    this.ev = ev;
  }
  push(chunk: Buffer): void {
    this.ev?.onData(chunk);
  }
  cork(): void {}
  write(buf: Buffer): void {
    this.first ??= buf;
  }
  uncork(): void {}
  buffered(): number {
    return 0;
  }
  limitInput(): void {}
  pause(): void {}
  resume(): void {}
  end(): void {
    this.close();
  }
  destroy(): void {
    this.close();
  }
  private close(): void {
    const ev = this.ev;
    this.ev = undefined;
    if (ev) process.nextTick(() => ev.onTransportClose(false));
  }
}

/** The plain CONNECT of handlers/connect-fast.ts: clean session, keep alive 30, no properties. */
export function plainConnect(version: 4 | 5, clientId: string): Buffer {
  const id = Buffer.from(clientId, 'latin1');
  const vh = [0, 4, 0x4d, 0x51, 0x54, 0x54, version, 0x02, 0, 30, ...(version === 5 ? [0] : [])];
  const rest = Buffer.from([...vh, id.length >> 8, id.length & 0xff, ...id]);
  return Buffer.concat([Buffer.from([0x10]), encodeVbi(rest.length), rest]);
}

/** One connection through the loop; false when the broker refused it (a users file, a limit). */
function loopOne(broker: Broker, pk: Buffer): boolean {
  const t = new LoopTransport();
  acceptTransport(broker, t);
  t.push(pk);
  // a refused connection is closing already: this is not read; an accepted one's CONNACK, if a durable
  // store held it, leaves when the DISCONNECT ends the connection
  t.push(DISCONNECT);
  return t.first !== undefined && t.first[0] === 0x20 && t.first[3] === 0;
}

/** Runs the loop in waves (each ends with a turn of the event loop, so the closes land); stops at the
 *  deadline or the first refusal. */
export async function warmUpLoop(broker: Broker, tag: string, deadline: number): Promise<void> {
  for (let done = 0; done < WARMUP_LOOP && Date.now() < deadline; done += WARMUP_LOOP_WAVE) {
    for (let i = done; i < done + WARMUP_LOOP_WAVE; i++) {
      const pk = plainConnect(i % 2 === 0 ? 5 : 4, `crucible-warmup-${tag}-l${i}`);
      if (!loopOne(broker, pk)) return;
    }
    await new Promise((r) => setImmediate(r));
  }
}
