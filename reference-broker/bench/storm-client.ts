// The client side of the connection storm (connect-storm.bench.ts), in a process of its own: opens
// N raw TCP connections to 127.0.0.1:<port> as fast as it can (batches of --batch per event-loop
// turn, so CONNACKs are read in between), writes a pre-built CONNECT on each (clean session, a
// unique client id, keep alive 60) and waits for CONNACK. Every wait ends at the deadline.
// Reports over IPC: per-client CONNACK latency (connect() call to CONNACK), the span from the first
// connect() to the last CONNACK, failures by kind, and this process's CPU time.
//   argv: <port> <n> <version 4|5> <batch> <deadline ms>
import { connect, type Socket } from 'node:net';

export interface StormResult {
  n: number;
  ok: number;
  /** connect() refused (ECONNREFUSED) */
  refused: number;
  /** reset or closed before CONNACK (ECONNRESET, EPIPE, close) */
  reset: number;
  /** no CONNACK before the deadline */
  timeout: number;
  /** CONNACK with a non-zero return/reason code */
  rejected: number;
  /** any other socket error (e.g. EMFILE, EADDRNOTAVAIL), by code */
  other: Record<string, number>;
  /** ms from the first connect() to the last CONNACK */
  spanMs: number;
  /** CONNACK latencies of the accepted clients, ms, ascending */
  latencies: number[];
  clientCpuMs: number;
}

/** CONNECT with a fixed-width client id whose digits are patched per client. */
function connectTemplate(version: 4 | 5, prefix: string, digits: number): { buf: Buffer; idAt: number } {
  const id = Buffer.from(prefix + '0'.repeat(digits), 'latin1');
  // variable header: protocol name, level, flags (clean session), keep alive 60, [properties length 0]
  const vh = Buffer.from([0, 4, 0x4d, 0x51, 0x54, 0x54, version, 0x02, 0, 60, ...(version === 5 ? [0] : [])]);
  const rem = vh.length + 2 + id.length;
  if (rem > 127) throw new Error('client id too long for the template');
  const buf = Buffer.concat([
    Buffer.from([0x10, rem]),
    vh,
    Buffer.from([id.length >> 8, id.length & 0xff]),
    id,
  ]);
  return { buf, idAt: buf.length - digits };
}

type Outcome = 'ok' | 'refused' | 'reset' | 'rejected' | string;

export async function storm(port: number, n: number, version: 4 | 5, batch: number, deadlineMs: number) {
  const digits = String(n).length;
  const { buf: template, idAt } = connectTemplate(version, `storm-${process.pid.toString(36)}-`, digits);
  const sockets: Socket[] = new Array(n);
  const started = new Float64Array(n);
  const latencies: number[] = [];
  const r: StormResult = {
    n,
    ok: 0,
    refused: 0,
    reset: 0,
    timeout: 0,
    rejected: 0,
    other: {},
    spanMs: 0,
    latencies,
    clientCpuMs: 0,
  };
  let settled = 0;
  let last = 0;
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const settle = (s: Socket & { outcome?: Outcome }, outcome: Outcome) => {
    if (s.outcome !== undefined) return;
    s.outcome = outcome;
    if (outcome === 'ok' || outcome === 'refused' || outcome === 'reset' || outcome === 'rejected')
      r[outcome]++;
    else r.other[outcome] = (r.other[outcome] ?? 0) + 1;
    if (++settled === n) finish();
  };
  const open = (i: number) => {
    const pk = Buffer.from(template);
    pk.write(String(i).padStart(digits, '0'), idAt, 'latin1');
    const s: Socket & { outcome?: Outcome } = connect({ port, host: '127.0.0.1', noDelay: true });
    started[i] = performance.now();
    sockets[i] = s;
    s.write(pk); // written once connected
    s.on('data', (d: Buffer) => {
      if (s.outcome !== undefined) return;
      const now = performance.now();
      // CONNACK: 0x20, remaining length, flags, return code (3.1.1) / reason code (5.0)
      if (d[0] !== 0x20 || d.length < 4 || d[3] !== 0) return settle(s, 'rejected');
      latencies.push(now - started[i]!);
      last = now;
      settle(s, 'ok');
    });
    s.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNREFUSED') settle(s, 'refused');
      else if (e.code === 'ECONNRESET' || e.code === 'EPIPE') settle(s, 'reset');
      else settle(s, e.code ?? 'error');
    });
    s.on('close', () => settle(s, 'reset'));
  };
  let next = 0;
  const launch = () => {
    const end = Math.min(n, next + batch);
    for (; next < end; next++) open(next);
    if (next < n) setImmediate(launch);
  };
  launch();
  const timer = setTimeout(finish, deadlineMs);
  await done;
  clearTimeout(timer);
  r.timeout = n - settled;
  r.spanMs = last - t0;
  const cpu = process.cpuUsage(cpu0);
  r.clientCpuMs = (cpu.user + cpu.system) / 1000;
  latencies.sort((a, b) => a - b);
  for (const s of sockets) s?.resetAndDestroy(); // RST: no TIME_WAIT left behind on the client's ports
  return r;
}

if (process.send) {
  const [port, n, version, batch, deadline] = process.argv.slice(2).map(Number);
  const r = await storm(port!, n!, version as 4 | 5, batch!, deadline!);
  process.send(r, () => process.exit(0));
}
