import { mkdtempSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decoder, encode, type Packet, type ProtocolVersion } from '../../../src/protocol/codec.ts';
import { selfSignedCert } from '../../../src/transport/testing/certs.ts';

export class RawClient {
  readonly packets: Packet[] = [];
  closed = false;
  private waiters: Array<() => void> = [];
  private decoder: Decoder;
  private constructor(
    readonly socket: Socket,
    readonly version: ProtocolVersion,
  ) {
    this.decoder = new Decoder(version, {
      packet: (p) => {
        this.packets.push(p);
        this.wake();
      },
      error: () => {
        this.socket.destroy();
      },
    });
    socket.on('data', (c) => this.decoder.push(c));
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static open(port: number, version: ProtocolVersion = 4): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => resolve(new RawClient(s, version)));
      s.once('error', reject);
    });
  }

  /** Opens, sends CONNECT (fields overridable) and waits for CONNACK. */
  static async connect(
    port: number,
    version: ProtocolVersion,
    fields: Record<string, unknown> = {},
  ): Promise<[RawClient, Packet]> {
    const c = await RawClient.open(port, version);
    c.send({
      cmd: 'connect',
      protocolId: version === 3 ? 'MQIsdp' : 'MQTT',
      protocolVersion: version,
      clientId: `raw-${Math.random().toString(36).slice(2, 10)}`,
      clean: true,
      keepalive: 0,
      ...fields,
    } as Packet);
    const ack = await c.next('connack');
    return [c, ack];
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  send(p: Packet): void {
    this.socket.write(encode(p, this.version));
  }

  sendRaw(b: Buffer): void {
    this.socket.write(b);
  }

  /** Next received packet (optionally of one type, skipping others is NOT done: mismatch throws). */
  async next(cmd?: string, timeoutMs = 5000): Promise<Packet> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const p = this.packets.shift();
      if (p) {
        if (cmd && p.cmd !== cmd) throw new Error(`expected ${cmd}, got ${p.cmd} ${JSON.stringify(p)}`);
        return p;
      }
      if (this.closed) throw new Error(`connection closed while waiting for ${cmd ?? 'a packet'}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${cmd ?? 'a packet'}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** Waits until the broker closes the connection; returns the packets received before. */
  async waitClosed(timeoutMs = 5000): Promise<Packet[]> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for the broker to close the connection');
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
    return this.packets.splice(0);
  }

  /** Collects what arrives during ms (for "nothing more arrives" checks). */
  async drain(ms: number): Promise<Packet[]> {
    await new Promise((r) => setTimeout(r, ms));
    return this.packets.splice(0);
  }

  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Self-signed certificate for 127.0.0.1 in a temp dir (openssl). */
export function makeCert(): { cert: string; key: string } {
  return selfSignedCert(mkdtempSync(join(tmpdir(), 'crucible-cert-')), 'broker');
}

export async function until(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
