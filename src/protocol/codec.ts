// Packet codec: framing of the byte stream, decoding of each frame and encoding, over mqtt-packet.
// The framer is ours (so every decoded packet comes with its exact raw bytes for transcripts and
// so malformed framing is reported precisely); the per-frame parse is mqtt-packet's, except for
// PUBLISH, which has a fast path (publish-fast.ts) producing the very same object and falling back
// to mqtt-packet for anything unusual.

import type { Packet } from 'mqtt-packet';
import mqttPacket from 'mqtt-packet';
import {
  encodeAckFast,
  encodePublishFast,
  makePublishTemplate,
  type PublishTemplate,
  type PublishTemplateInput,
  parsePublishFast,
} from './publish-fast.ts';

export type { Packet } from 'mqtt-packet';
export type { PublishTemplate, PublishTemplateInput } from './publish-fast.ts';

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
  /** Use the PUBLISH fast path (default true). false = every frame goes through mqtt-packet. */
  fastPublish?: boolean;
}

/** Encodes one packet for the given protocol version. Throws on packets mqtt-packet refuses. */
export function encode(packet: Packet, version: ProtocolVersion): Buffer {
  const cmd = packet.cmd;
  if (cmd === 'publish') {
    const fast = encodePublishFast(packet, version);
    if (fast) return fast;
  } else if (cmd === 'puback' || cmd === 'pubrec' || cmd === 'pubrel' || cmd === 'pubcomp') {
    const fast = encodeAckFast(packet, version);
    if (fast) return fast;
  }
  return mqttPacket.generate(packet, { protocolVersion: version });
}

/**
 * Pre-encodes a PUBLISH for the load generator: patch payload bytes at template.payloadOffset and the
 * packet id with template.setPacketId(), then write template.buffer as is.
 */
export function encodePublishTemplate(
  input: PublishTemplateInput,
  version: ProtocolVersion,
): PublishTemplate {
  return makePublishTemplate(input, version, encode);
}

type MqttParser = ReturnType<typeof mqttPacket.parser>;

/**
 * Stream decoder. push() any chunking of the byte stream; each complete frame is parsed and handed
 * to handlers.packet with its raw bytes. After the first error the decoder is failed and ignores
 * further input (a malformed stream cannot be resynchronised).
 *
 * The raw Buffer (and a PUBLISH payload) may share memory with the pushed chunk: copy it if the
 * chunk's memory is reused by the caller.
 */
export class Decoder {
  private pending: Buffer | undefined;
  private parser: MqttParser;
  private current: Packet | undefined;
  private parseError: Error | undefined;
  /** Version mqtt-packet actually parses with: it adopts the level of a CONNECT it has parsed. */
  private parseVersion: number;
  private readonly fast: boolean;
  failed = false;

  constructor(
    private version: ProtocolVersion,
    private readonly handlers: DecoderHandlers,
    private readonly options: DecoderOptions = {},
  ) {
    this.parser = this.makeParser(version);
    this.parseVersion = version;
    this.fast = options.fastPublish !== false;
  }

  /** Switch protocol version (server side, once CONNECT has been read). */
  setVersion(version: ProtocolVersion): void {
    if (version !== this.version) {
      this.version = version;
      this.parser = this.makeParser(version);
      this.parseVersion = version;
    }
  }

  getVersion(): ProtocolVersion {
    return this.version;
  }

  private makeParser(version: ProtocolVersion): MqttParser {
    const p = mqttPacket.parser({ protocolVersion: version });
    p.on('packet', (pk: Packet) => {
      this.current = pk;
    });
    p.on('error', (e: Error) => {
      this.parseError = e;
    });
    return p;
  }

  /** Parses one complete frame with mqtt-packet. */
  private slowParse(raw: Buffer): Packet | DecodeError {
    this.current = undefined;
    this.parseError = undefined;
    try {
      this.parser.parse(raw);
    } catch (e) {
      // mqtt-packet should report through 'error'; never let a throw escape the decoder
      this.parseError = e instanceof Error ? e : new Error(String(e));
    }
    const err = this.parseError as Error | undefined;
    const pk = this.current as Packet | undefined;
    this.current = undefined;
    if (err || !pk) {
      this.parser = this.makeParser(this.version);
      this.parseVersion = this.version;
      return new DecodeError(err ? err.message : 'frame not consumed by parser', 'packet');
    }
    // mqtt-packet's parser adopts the settings of a CONNECT it parsed (protocol level included).
    if (pk.cmd === 'connect') this.parseVersion = pk.protocolVersion ?? this.parseVersion;
    return pk;
  }

  push(chunk: Buffer): void {
    if (this.failed) return;
    const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = undefined;
    const len = buf.length;
    const max = this.options.maxPacketSize;
    let off = 0;
    while (len - off >= 2) {
      // Remaining length: at most 4 bytes of Variable Byte Integer (MQTT-1.5.5, 2.2.3).
      let i = off + 1;
      let b = buf[i++]!;
      let rl = b & 0x7f;
      if (b & 0x80) {
        let mult = 128;
        let complete = false;
        for (let n = 1; n < 4; n++) {
          if (i >= len) break;
          b = buf[i++]!;
          rl += (b & 0x7f) * mult;
          mult *= 128;
          if ((b & 0x80) === 0) {
            complete = true;
            break;
          }
          if (n === 3) {
            this.fail(
              new DecodeError('remaining length longer than 4 bytes', 'framing'),
              buf.subarray(off, i),
            );
            return;
          }
        }
        if (!complete) break;
      }
      const total = i - off + rl;
      if (max !== undefined && total > max) {
        this.fail(
          new DecodeError(`packet of ${total} bytes exceeds maximum packet size ${max}`, 'too-large'),
          buf.subarray(off, i),
        );
        return;
      }
      if (len - off < total) break;
      const raw = buf.subarray(off, off + total);
      off += total;
      let pk: Packet | DecodeError | undefined;
      if (this.fast && buf[off - total]! >> 4 === 3)
        pk = parsePublishFast(raw, i - (off - total), this.parseVersion);
      if (pk === undefined) pk = this.slowParse(raw);
      if (pk instanceof DecodeError) {
        this.fail(pk, raw);
        return;
      }
      this.handlers.packet(pk, raw);
      if (this.failed) return;
    }
    if (off < len) this.pending = Buffer.from(buf.subarray(off));
  }

  private fail(err: DecodeError, raw: Buffer | undefined): void {
    this.failed = true;
    this.pending = undefined;
    this.handlers.error(err, raw ? Buffer.from(raw) : undefined);
  }
}
