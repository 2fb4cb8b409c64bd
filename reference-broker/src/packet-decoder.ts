// Packets off the hot path (everything but PUBLISH and the plain acknowledgements) are decoded by the
// shared codec, one whole frame at a time; and the protocol name and level of a client's first CONNECT.
import { type DecodeError, Decoder, type Packet, type ProtocolVersion } from '../../src/protocol/codec.ts';
import { readConnectHeader } from '../../src/protocol/connect-header.ts';

export class FrameDecoder {
  private decoder: Decoder;
  private decoded: Packet | undefined;
  private failure: DecodeError | undefined = undefined;
  private readonly handlers = {
    packet: (p: Packet): void => {
      this.decoded = p;
    },
    error: (e: DecodeError): void => {
      this.failure = e;
    },
  };

  constructor(private readonly version: ProtocolVersion) {
    this.decoder = new Decoder(version, this.handlers);
  }

  /** The packet one whole frame holds, or why it is malformed. */
  decode(frame: Buffer): Packet | string {
    this.decoded = undefined;
    this.failure = undefined;
    this.decoder.push(frame);
    return this.outcome();
  }

  /** What the handlers were told during push. */
  private outcome(): Packet | string {
    if (this.failure !== undefined || this.decoded === undefined)
      return this.failure?.message ?? 'malformed packet';
    return this.decoded;
  }

  /** A fresh decoder after a malformed frame that is passed over (variation accept-malformed). */
  reset(): void {
    this.decoder = new Decoder(this.version, this.handlers);
  }
}

/** Protocol name and level (low 7 bits) of a CONNECT frame; level -1 = too short to hold them. */
export function connectProtocol(frame: Buffer, bodyStart: number): { name: string; level: number } {
  const h = readConnectHeader(frame, bodyStart, frame.length);
  if (!h) return { name: '', level: -1 };
  return { name: frame.toString('latin1', h.nameAt, h.nameEnd), level: h.level & 0x7f };
}
