// Acknowledgements a lean client owes for one inbound chunk (PUBACK, PUBREC, PUBREL, PUBCOMP): four
// bytes each in a scratch buffer shared by every client of the thread (a chunk is read and its acks
// flushed before the next client reads), written to the client's socket as one buffer per chunk.
import type { Sock } from './dial.ts';
import { T } from './wire.ts';

const scratch = Buffer.allocUnsafe(64 * 1024);

export class AckBatch {
  private len = 0;

  constructor(private readonly owner: { readonly sock: Sock | undefined }) {}

  add(type: number, pid: number): void {
    if (this.len + 4 > scratch.length) this.flush();
    const o = this.len;
    scratch[o] = (type << 4) | (type === T.PUBREL ? 2 : 0); // PUBREL fixed header flags 0010 (MQTT-3.6.1-1)
    scratch[o + 1] = 2;
    scratch.writeUInt16BE(pid, o + 2);
    this.len += 4;
  }

  flush(): void {
    if (this.len === 0) return;
    this.owner.sock?.write(Buffer.from(scratch.subarray(0, this.len)));
    this.len = 0;
  }
}
