// Packet codec: framing of the byte stream, decoding of each frame and encoding, over mqtt-packet.
// The framer is ours (so every decoded packet comes with its exact raw bytes for transcripts and
// so malformed framing is reported precisely); the per-frame parse is mqtt-packet's.

import type { Packet } from 'mqtt-packet';
import mqttPacket from 'mqtt-packet';

export type { Packet } from 'mqtt-packet';

/** Protocol level byte on the wire: 3 = MQTT 3.1 (MQIsdp), 4 = 3.1.1, 5 = 5.0. */
export type ProtocolVersion = 3 | 4 | 5;

/** Largest value a Variable Byte Integer can hold (MQTT-1.5.5 / 2.2.3). */
export const MAX_REMAINING_LENGTH = 268_435_455;

export class DecodeError extends Error {
  /** 'framing' = fixed header / remaining length problem; 'packet' = body rejected by the parser;
   *  'too-large' = exceeds the configured maximum packet size. */
  constructor(
    message: string,
    readonly kind: 'framing' | 'packet' | 'too-large',
  ) {
    super(message);
    this.name = 'DecodeError';
  }
}

export interface DecoderHandlers {
  packet(packet: Packet, raw: Buffer): void;
  error(err: DecodeError, raw: Buffer | undefined): void;
}

export interface DecoderOptions {
  /** Refuse frames whose total size exceeds this many bytes (before buffering their body). */
  maxPacketSize?: number;
}

/** Encodes one packet for the given protocol version. Throws on packets mqtt-packet refuses. */
export function encode(packet: Packet, version: ProtocolVersion): Buffer {
  return mqttPacket.generate(packet, { protocolVersion: version });
}

/**
 * Stream decoder. push() any chunking of the byte stream; each complete frame is parsed and handed
 * to handlers.packet with its raw bytes. After the first error the decoder is failed and ignores
 * further input (a malformed stream cannot be resynchronised).
 */
export class Decoder {
  private pending: Buffer | undefined;
  private parser: ReturnType<typeof mqttPacket.parser>;
  private current: Packet | undefined;
  private parseError: Error | undefined;
  failed = false;

  constructor(
    private version: ProtocolVersion,
    private readonly handlers: DecoderHandlers,
    private readonly options: DecoderOptions = {},
  ) {
    this.parser = this.makeParser(version);
  }

  /** Switch protocol version (server side, once CONNECT has been read). */
  setVersion(version: ProtocolVersion): void {
    if (version !== this.version) {
      this.version = version;
      this.parser = this.makeParser(version);
    }
  }

  getVersion(): ProtocolVersion {
    return this.version;
  }

  private makeParser(version: ProtocolVersion): ReturnType<typeof mqttPacket.parser> {
    const p = mqttPacket.parser({ protocolVersion: version });
    p.on('packet', (pk: Packet) => {
      this.current = pk;
    });
    p.on('error', (e: Error) => {
      this.parseError = e;
    });
    return p;
  }

  push(chunk: Buffer): void {
    if (this.failed) return;
    let buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = undefined;
    let off = 0;
    while (off < buf.length) {
      if (buf.length - off < 2) break;
      // Remaining length: at most 4 bytes of Variable Byte Integer (MQTT-1.5.5, 2.2.3).
      let mult = 1;
      let len = 0;
      let i = off + 1;
      let complete = false;
      for (let n = 0; n < 4; n++) {
        if (i >= buf.length) break;
        const b = buf[i++]!;
        len += (b & 0x7f) * mult;
        mult *= 128;
        if ((b & 0x80) === 0) {
          complete = true;
          break;
        }
        if (n === 3) {
          this.fail(new DecodeError('remaining length longer than 4 bytes', 'framing'), buf.subarray(off, i));
          return;
        }
      }
      if (!complete) break;
      const total = i - off + len;
      if (this.options.maxPacketSize !== undefined && total > this.options.maxPacketSize) {
        this.fail(
          new DecodeError(
            `packet of ${total} bytes exceeds maximum packet size ${this.options.maxPacketSize}`,
            'too-large',
          ),
          buf.subarray(off, i),
        );
        return;
      }
      if (buf.length - off < total) break;
      const raw = buf.subarray(off, off + total);
      off += total;
      this.current = undefined;
      this.parseError = undefined;
      this.parser.parse(raw);
      if (this.parseError || !this.current) {
        const msg = this.parseError ? this.parseError.message : 'frame not consumed by parser';
        this.parser = this.makeParser(this.version);
        this.fail(new DecodeError(msg, 'packet'), raw);
        return;
      }
      const pk = this.current;
      this.current = undefined;
      this.handlers.packet(pk, raw);
      if (this.failed) return;
    }
    if (off < buf.length) this.pending = Buffer.from(buf.subarray(off));
    buf = Buffer.alloc(0);
  }

  private fail(err: DecodeError, raw: Buffer | undefined): void {
    this.failed = true;
    this.pending = undefined;
    this.handlers.error(err, raw ? Buffer.from(raw) : undefined);
  }
}
