// The MQTT frame reader: splits a byte stream into whole control packets (fixed header + Remaining
// Length + body), without parsing them. One implementation for every reader of a stream:
// - Remaining Length is a Variable Byte Integer of at most 4 bytes (MQTT-1.5.5-1, MQTT 3.1.1 2.2.3);
//   a fifth continuation byte is a framing error, reported as soon as it arrives;
// - a frame larger than `maxPacketSize` is refused from its header, before its body is buffered;
// - reassembly is linear in the bytes received: while a frame is incomplete its chunks are kept in a
//   list and joined once, when the last one arrives (never re-copied per chunk);
// - optionally (a broker reading its clients) a Remaining Length that is not minimally encoded is a
//   framing error (MQTT-1.5.5-1 (5.0) / 2.2.3 (3.1.1));
// - the owner may pause it from inside a frame callback: framing stops after that frame and the rest
//   is held until resume().

/** Largest value a Variable Byte Integer can hold (MQTT-1.5.5 / 2.2.3). */
export const MAX_REMAINING_LENGTH = 268_435_455;

export type FrameErrorKind = 'framing' | 'too-large';

export interface FrameSink {
  /** One whole frame: `buf[start, end)` holds it, its body starts at `start + headerLength` (the first byte
   *  is `buf[start]`); `buf` may be reused after the call returns. No object is made per frame. */
  frame(buf: Buffer, start: number, end: number, headerLength: number): void;
  /** The stream cannot be framed any further; no more callbacks follow. `head` = the offending bytes. */
  error(kind: FrameErrorKind, message: string, head: Buffer): void;
}

export interface FrameReaderOptions {
  /** Refuse a Remaining Length with a trailing 0x00 byte (not the fewest bytes possible). */
  minimalLength?: boolean;
}

export class FrameReader {
  /** Bytes of a frame (or header) not yet complete; `parts` are joined only when the frame is whole. */
  private parts: Buffer[] = [];
  private partsLength = 0;
  /** Total size of the incomplete frame once its header is known, else 0. */
  private need = 0;
  private failed = false;
  private paused = false;
  /** failed or paused: checked once per frame */
  private halted = false;
  private readonly minimal: boolean;

  constructor(
    private readonly sink: FrameSink,
    /** Refuse frames whose total size (header included) exceeds this; may be changed between frames. */
    public maxPacketSize: number = MAX_REMAINING_LENGTH + 5,
    options: FrameReaderOptions = {},
  ) {
    this.minimal = options.minimalLength === true;
  }

  /** Bytes held for an incomplete frame (for a transcript when the stream ends mid-frame). */
  get buffered(): number {
    return this.partsLength;
  }

  /** Announced size of the incomplete frame, when its header has arrived (else 0). */
  get announced(): number {
    return this.need;
  }

  /** The bytes of the incomplete frame (a copy; for reporting a truncated packet). */
  pendingBytes(): Buffer {
    return Buffer.concat(this.parts, this.partsLength);
  }

  get hasFailed(): boolean {
    return this.failed;
  }

  reset(): void {
    this.parts = [];
    this.partsLength = 0;
    this.need = 0;
    this.failed = false;
    this.paused = false;
    this.halted = false;
  }

  /** Stop framing after the current frame (callable from `frame`); later bytes are held. */
  pause(): void {
    this.paused = true;
    this.halted = true;
  }

  /** Frame what was held while paused. */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.halted = this.failed;
    if (this.failed || this.partsLength === 0) return;
    const held = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.partsLength);
    this.parts = [];
    this.partsLength = 0;
    this.need = 0;
    this.scan(held);
  }

  push(chunk: Buffer): void {
    if (this.halted || chunk.length === 0) {
      if (this.paused && !this.failed && chunk.length > 0) {
        this.parts.push(chunk);
        this.partsLength += chunk.length;
      }
      return;
    }
    if (this.partsLength > 0) {
      this.parts.push(chunk);
      this.partsLength += chunk.length;
      // waiting for the body of a frame whose header is known: join only once it is complete
      if (this.need > 0 && this.partsLength < this.need) return;
      const joined = Buffer.concat(this.parts, this.partsLength);
      this.parts = [];
      this.partsLength = 0;
      this.need = 0;
      this.scan(joined);
      return;
    }
    this.scan(chunk);
  }

  private scan(buf: Buffer): void {
    const end = buf.length;
    let off = 0;
    while (end - off >= 2) {
      // Remaining Length: a Variable Byte Integer of at most 4 bytes (MQTT-1.5.5-1)
      let value = 0;
      let mult = 1;
      let p = off + 1;
      let headerLength = 0;
      for (let n = 0; n < 4 && p < end; n++, p++) {
        const b = buf[p] as number;
        value += (b & 0x7f) * mult;
        if ((b & 0x80) === 0) {
          if (b === 0 && n > 0 && this.minimal) {
            // MQTT-1.5.5-1 (5.0) / 2.2.3 (3.1.1): the fewest bytes possible; a trailing 0x00 is overlong
            this.fail('framing', 'remaining length not minimally encoded', buf.subarray(off, p + 1));
            return;
          }
          headerLength = n + 2;
          break;
        }
        mult *= 128;
      }
      if (headerLength === 0) {
        if (p - off > 4) {
          this.fail('framing', 'remaining length longer than 4 bytes', buf.subarray(off, off + 5));
          return;
        }
        break; // the header is not complete yet
      }
      const total = headerLength + value;
      if (total > this.maxPacketSize) {
        this.fail(
          'too-large',
          `packet of ${total} bytes exceeds maximum packet size ${this.maxPacketSize}`,
          buf.subarray(off, off + headerLength),
        );
        return;
      }
      if (end - off < total) {
        this.need = total;
        break;
      }
      this.sink.frame(buf, off, off + total, headerLength);
      off += total;
      if (this.halted) {
        if (this.failed) return;
        break; // paused: the rest is held below
      }
    }
    if (off < end) {
      // keep the tail; a copy, since the caller may reuse `buf` (socket chunks are not retained)
      const tail = Buffer.from(buf.subarray(off));
      this.parts.push(tail);
      this.partsLength = tail.length;
    }
  }

  /** Stop framing: the sink's error is the last callback. */
  private fail(kind: FrameErrorKind, message: string, head: Buffer): void {
    this.failed = true;
    this.halted = true;
    this.parts = [];
    this.partsLength = 0;
    this.need = 0;
    this.sink.error(kind, message, Buffer.from(head));
  }

  /** Stop without an error (the owner judged the stream itself). */
  stop(): void {
    this.failed = true;
    this.halted = true;
    this.parts = [];
    this.partsLength = 0;
    this.need = 0;
  }
}

/** A frame reader that hands over each whole frame as a copy of its own (for taps and proxies, which keep or
 *  forward frames after the read buffer is reused). A stream that cannot be framed stops it: `onError` is told. */
export function frameSplitter(
  onFrame: (frame: Buffer) => void,
  onError: (message: string) => void = () => {},
): FrameReader {
  return new FrameReader({
    frame: (buf, start, end) => onFrame(Buffer.from(buf.subarray(start, end))),
    error: (_kind, message) => onError(message),
  });
}
