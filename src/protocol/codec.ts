// Packet codec: framing of the byte stream, decoding of each frame and encoding, over mqtt-packet.
// The framer is ours (so every decoded packet comes with its exact raw bytes for transcripts and
// so malformed framing is reported precisely); the per-frame parse is mqtt-packet's, except for
// PUBLISH, which has a fast path (publish-fast.ts) producing the very same object and falling back
// to mqtt-packet for anything unusual.

import type { Packet } from 'mqtt-packet';
import mqttPacket from 'mqtt-packet';
import { FrameReader } from './frames.ts';
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

// mqtt-packet caches the 2-byte form of every number 0..65535 the first time it encodes anything:
// 65,536 small Buffers, built during the first CONNACK a broker sends (about 50 ms plus the garbage
// collection they cause, measured on a cold reference broker), and held for the process's lifetime.
// The packets on hot paths have encoders of their own here, so the cache buys nothing: turn it off.
(mqttPacket.writeToStream as unknown as { cacheNumbers: boolean }).cacheNumbers = false;

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
  } else if (cmd === 'connack') {
    const fast = encodeConnackFast(packet as ConnackFields, version);
    if (fast) return fast;
  }
  return mqttPacket.generate(packet, { protocolVersion: version });
}

interface ConnackFields {
  sessionPresent?: boolean;
  returnCode?: number;
  reasonCode?: number;
  properties?: Record<string, unknown>;
}

/** CONNACK without properties: the bytes mqtt-packet writes, without its stream machinery. */
function encodeConnackFast(p: ConnackFields, version: ProtocolVersion): Buffer | undefined {
  const sp = p.sessionPresent ? 1 : 0;
  if (version === 5) {
    if (p.properties && Object.keys(p.properties).length > 0) return undefined;
    const rc = p.reasonCode ?? 0;
    if (!Number.isInteger(rc) || rc < 0 || rc > 255) return undefined;
    return Buffer.from([0x20, 0x03, sp, rc, 0x00]);
  }
  const rc = p.returnCode ?? 0;
  if (!Number.isInteger(rc) || rc < 0 || rc > 255) return undefined;
  return Buffer.from([0x20, 0x02, sp, rc]);
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

/** What the decoder relies on inside mqtt-packet's parser (public fields plus two of its internals). */
interface ParserInternals {
  settings: Record<string, unknown>;
  _list: { length: number };
  _stateCounter: number;
}

/**
 * One mqtt-packet parser serves every Decoder. Between whole frames its only state is its settings
 * (the protocol level, and after a CONNECT the CONNECT itself, which it adopts), so each Decoder keeps
 * its own settings and swaps them in for the one synchronous parse of one complete frame. Creating a
 * parser per connection (an EventEmitter and a stream-backed buffer list) was a large share of the cost
 * of accepting a connection. A parser left mid-frame by an error is dropped and made anew.
 */
const shared: { parser: MqttParser | undefined; packet: Packet | undefined; error: Error | undefined } = {
  parser: undefined,
  packet: undefined,
  error: undefined,
};

function sharedParser(): MqttParser {
  if (shared.parser) return shared.parser;
  const p = mqttPacket.parser({ protocolVersion: 4 });
  p.on('packet', (pk: Packet) => {
    shared.packet = pk;
  });
  p.on('error', (e: Error) => {
    shared.error = e;
  });
  shared.parser = p;
  return p;
}

/** PINGREQ, PINGRESP and a DISCONNECT without body: the object mqtt-packet makes, without parsing. */
function emptyPacket(raw: Buffer, version: number): Packet | undefined {
  if (raw.length !== 2) return undefined;
  const b0 = raw[0] as number;
  const cmd = b0 === 0xc0 ? 'pingreq' : b0 === 0xd0 ? 'pingresp' : b0 === 0xe0 ? 'disconnect' : undefined;
  if (cmd === undefined) return undefined;
  const p = { cmd, retain: false, qos: 0, dup: false, length: 0, topic: null, payload: null };
  // MQTT 5: a DISCONNECT without a body means Reason Code 0x00 (MQTT 5 3.14.2.1)
  return (cmd === 'disconnect' && version === 5 ? { ...p, reasonCode: 0 } : p) as unknown as Packet;
}

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
  /** mqtt-packet settings of this stream (see `shared`). */
  private settings: Record<string, unknown>;
  /** Version mqtt-packet actually parses with: it adopts the level of a CONNECT it has parsed. */
  private parseVersion: number;
  private readonly fast: boolean;
  failed = false;

  constructor(
    private version: ProtocolVersion,
    private readonly handlers: DecoderHandlers,
    options: DecoderOptions = {},
  ) {
    this.settings = { protocolVersion: version };
    this.parseVersion = version;
    this.fast = options.fastPublish !== false;
    this.frames = new FrameReader(
      {
        frame: (buf, start, end, headerLength) => this.onFrame(buf, start, end, headerLength),
        error: (kind, message, head) => this.fail(new DecodeError(message, kind), head),
      },
      options.maxPacketSize,
    );
  }

  /** Switch protocol version (server side, once CONNECT has been read). */
  setVersion(version: ProtocolVersion): void {
    if (version !== this.version) {
      this.version = version;
      this.settings = { protocolVersion: version };
      this.parseVersion = version;
    }
  }

  getVersion(): ProtocolVersion {
    return this.version;
  }

  /** Parses one complete frame with mqtt-packet. */
  private slowParse(raw: Buffer): Packet | DecodeError {
    const parser = sharedParser();
    const inner = parser as unknown as ParserInternals;
    shared.packet = undefined;
    shared.error = undefined;
    inner.settings = this.settings;
    try {
      parser.parse(raw);
    } catch (e) {
      // mqtt-packet should report through 'error'; never let a throw escape the decoder
      shared.error = e instanceof Error ? e : new Error(String(e));
    }
    const err = shared.error as Error | undefined;
    const pk = shared.packet as Packet | undefined;
    shared.packet = undefined;
    shared.error = undefined;
    // mqtt-packet's parser adopts the settings of a CONNECT it parsed (protocol level included).
    const adopted = inner.settings;
    if (err || !pk || inner._list.length !== 0 || inner._stateCounter !== 0) shared.parser = undefined;
    if (err || !pk) {
      this.settings = { protocolVersion: this.version };
      this.parseVersion = this.version;
      return new DecodeError(err ? err.message : 'frame not consumed by parser', 'packet');
    }
    if (pk.cmd === 'connect') {
      this.settings = adopted;
      this.parseVersion = pk.protocolVersion ?? this.parseVersion;
    }
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

  private onFrame(buf: Buffer, start: number, end: number, headerLength: number): void {
    const raw = buf.subarray(start, end);
    let pk: Packet | DecodeError | undefined;
    if (this.fast && (buf[start] as number) >> 4 === 3)
      pk = parsePublishFast(raw, headerLength, this.parseVersion);
    else if (this.fast) pk = emptyPacket(raw, this.parseVersion);
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
