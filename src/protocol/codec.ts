// Packet codec: framing of the byte stream, decoding of each frame and encoding, over mqtt-packet.
// The framer is ours (so every decoded packet comes with its exact raw bytes for transcripts and
// so malformed framing is reported precisely); the per-frame parse is mqtt-packet's, except for
// PUBLISH, which has a fast path (publish-fast.ts) producing the very same object and falling back
// to mqtt-packet for anything unusual.

import type { Packet } from 'mqtt-packet';
import mqttPacket from 'mqtt-packet';
import { type FrameHeader, FrameReader } from './frames.ts';
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

export { MAX_REMAINING_LENGTH } from './frames.ts';

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
  private readonly frames: FrameReader;
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
    this.frames = new FrameReader(
      {
        frame: (buf, start, end, h) => this.onFrame(buf, start, end, h),
        error: (kind, message, head) => this.fail(new DecodeError(message, kind), head),
      },
      options.maxPacketSize,
    );
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
    this.frames.push(chunk);
  }

  /** Bytes of an incomplete frame held when the stream stopped (a truncated packet), else empty. */
  pendingBytes(): Buffer {
    return this.frames.pendingBytes();
  }

  /** Size the incomplete frame announced in its header (0 when not even the header arrived). */
  get pendingAnnounced(): number {
    return this.frames.announced;
  }

  private onFrame(buf: Buffer, start: number, end: number, h: FrameHeader): void {
    const raw = buf.subarray(start, end);
    let pk: Packet | DecodeError | undefined;
    if (this.fast && h.byte0 >> 4 === 3) pk = parsePublishFast(raw, h.headerLength, this.parseVersion);
    if (pk === undefined) pk = this.slowParse(raw);
    if (pk instanceof DecodeError) {
      this.fail(pk, raw);
      return;
    }
    this.handlers.packet(pk, raw);
  }

  private fail(err: DecodeError, raw: Buffer | undefined): void {
    this.failed = true;
    this.frames.stop();
    this.handlers.error(err, raw ? Buffer.from(raw) : undefined);
  }
}
