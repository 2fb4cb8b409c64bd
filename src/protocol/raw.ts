// Raw-bytes builder: hex text with whitespace and comments -> bytes, and bytes -> spaced hex.
//
//   10 len(               # CONNECT; len(...) writes the Remaining Length of what it encloses
//     str"MQTT" 05        // str"..." writes a 2-byte length then the UTF-8 bytes
//     02 00 3c
//     len()               # an empty property list: Property Length 0
//     00 04 "ab\"c"       // a plain double-quoted string inserts its UTF-8 bytes (\" and \\ escape)
//   )
//   0x04 0x02             # 0x prefixes are fine
//
// Accepted: hex digit pairs, optionally prefixed by 0x, separated or not by whitespace, commas,
// ':' or '|'; double-quoted UTF-8 strings; str"..." (MQTT UTF-8 string: 2-byte big-endian length
// + bytes); len( ... ) (Variable Byte Integer length of the enclosed bytes, then those bytes; nests);
// `#` and `//` start a comment running to the end of line. Plain hex parses exactly as before.

export class HexSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${message} at line ${line}, column ${column}`);
    this.name = 'HexSyntaxError';
  }
}

function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return -1;
}

/** MQTT Variable Byte Integer (1-4 bytes, at most 268,435,455). */
export function varByteInt(n: number): number[] {
  const out: number[] = [];
  let x = n;
  do {
    let b = x % 128;
    x = Math.floor(x / 128);
    if (x > 0) b |= 0x80;
    out.push(b);
  } while (x > 0);
  return out;
}

const MAX_VBI = 268_435_455;

class HexParser {
  private i = 0;
  private line = 1;
  private lineStart = 0;
  private readonly n: number;

  constructor(private readonly text: string) {
    this.n = text.length;
  }

  private col(at = this.i): number {
    return at - this.lineStart + 1;
  }

  private fail(message: string, col = this.col()): never {
    throw new HexSyntaxError(message, this.line, col);
  }

  /** A double-quoted string starting at this.i (the opening quote); returns its UTF-8 bytes. */
  private quoted(startCol: number): Buffer {
    const t = this.text;
    let j = this.i + 1;
    let str = '';
    for (;;) {
      if (j >= this.n || t.charCodeAt(j) === 0x0a) this.fail('unterminated string', startCol);
      const d = t.charCodeAt(j);
      if (d === 0x22) break;
      if (d === 0x5c && j + 1 < this.n && (t[j + 1] === '"' || t[j + 1] === '\\')) j++;
      str += t[j];
      j++;
    }
    this.i = j + 1;
    return Buffer.from(str, 'utf8');
  }

  /** Bytes up to the end of text (depth 0) or up to the `)` closing a len( group. */
  parse(out: number[], depth: number, openLine = 0, openCol = 0): void {
    const t = this.text;
    let pendingNibble = -1;
    let pendingCol = 0;
    const noNibble = (): void => {
      if (pendingNibble >= 0) this.fail('odd number of hex digits', pendingCol);
    };
    while (this.i < this.n) {
      const c = t.charCodeAt(this.i);
      const col = this.col();
      if (c === 0x0a) {
        noNibble();
        this.line++;
        this.i++;
        this.lineStart = this.i;
        continue;
      }
      if (c === 0x23 || (c === 0x2f && t.charCodeAt(this.i + 1) === 0x2f)) {
        noNibble();
        while (this.i < this.n && t.charCodeAt(this.i) !== 0x0a) this.i++;
        continue;
      }
      if (c === 0x20 || c === 0x09 || c === 0x0d || c === 0x2c || c === 0x3a || c === 0x7c) {
        noNibble();
        this.i++;
        continue;
      }
      if (c === 0x22) {
        noNibble();
        for (const byte of this.quoted(col)) out.push(byte);
        continue;
      }
      if (c === 0x73 && t.startsWith('str"', this.i)) {
        // str"..." : MQTT UTF-8 Encoded String (2-byte length, then the bytes)
        noNibble();
        this.i += 3;
        const bytes = this.quoted(col + 3);
        if (bytes.length > 65535) this.fail(`str"..." holds ${bytes.length} bytes (at most 65535)`, col);
        out.push(bytes.length >> 8, bytes.length & 0xff);
        for (const byte of bytes) out.push(byte);
        continue;
      }
      if (c === 0x6c && t.startsWith('len(', this.i)) {
        // len( ... ) : Variable Byte Integer length of the enclosed bytes, then the bytes
        noNibble();
        const line = this.line;
        this.i += 4;
        const inner: number[] = [];
        this.parse(inner, depth + 1, line, col);
        if (inner.length > MAX_VBI) this.fail(`len(...) holds ${inner.length} bytes (too long)`, col);
        for (const b of varByteInt(inner.length)) out.push(b);
        for (const b of inner) out.push(b);
        continue;
      }
      if (c === 0x29) {
        noNibble();
        if (depth === 0) this.fail("')' without a matching 'len('");
        this.i++;
        return;
      }
      if (pendingNibble < 0 && c === 0x30 && (t.charCodeAt(this.i + 1) | 0x20) === 0x78) {
        // 0x prefix: must be followed by a hex digit
        if (hexVal(t.charCodeAt(this.i + 2)) < 0) this.fail("'0x' not followed by a hex digit");
        this.i += 2;
        continue;
      }
      const v = hexVal(c);
      if (v < 0) this.fail(`unexpected character '${t[this.i]}' (not a hex digit)`);
      if (pendingNibble < 0) {
        pendingNibble = v;
        pendingCol = col;
      } else {
        out.push((pendingNibble << 4) | v);
        pendingNibble = -1;
      }
      this.i++;
    }
    noNibble();
    if (depth > 0) throw new HexSyntaxError("'len(' is never closed with ')'", openLine, openCol);
  }
}

/** Parses hex text into a Buffer. Throws HexSyntaxError naming the line and column of the problem. */
export function hexToBytes(text: string): Buffer {
  const out: number[] = [];
  new HexParser(text).parse(out, 0);
  return Buffer.from(out);
}

/** Lower-case hex bytes separated by single spaces, e.g. "30 05 00 01 61 68 69". */
export function bytesToHex(buf: Uint8Array, opts: { perLine?: number } = {}): string {
  const parts: string[] = [];
  for (let i = 0; i < buf.length; i++) {
    const h = buf[i]!.toString(16).padStart(2, '0');
    if (opts.perLine && i > 0 && i % opts.perLine === 0) parts.push(`\n${h}`);
    else parts.push(h);
  }
  return parts.join(' ').replace(/ \n/g, '\n');
}
