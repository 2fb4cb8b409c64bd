// Golden byte vectors: hand-derived from the MQTT 3.1, 3.1.1 and 5.0 specifications (not generated
// by mqtt-packet), commented field by field. `packet` is what mqtt-packet's parser yields, minus
// the defaults golden.test.ts fills in (retain/qos/dup from the fixed header, length, null
// topic/payload). generate: false = parse-only (a legal encoding mqtt-packet would write differently).

export interface GoldenVector {
  name: string;
  version: 3 | 4 | 5;
  hex: string;
  packet: Record<string, unknown>;
  generate?: boolean;
}

/** Bytes from text (UTF-8) or numbers. */
export const b = (s: string | number[]) => (typeof s === 'string' ? Buffer.from(s, 'utf8') : Buffer.from(s));
