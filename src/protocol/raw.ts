// Raw-bytes builder: hex text with whitespace and comments -> bytes, and bytes -> spaced hex.
//
//   10 0c          # CONNECT, remaining length 12
//   00 04 "MQTT"   // a double-quoted string inserts its UTF-8 bytes (\" and \\ escape)
//   0x04 0x02      # 0x prefixes are fine
//
// Accepted: hex digit pairs, optionally prefixed by 0x, separated or not by whitespace, commas,
// ':' or '|'; double-quoted UTF-8 strings; `#` and `//` start a comment running to the end of line.

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

/** Parses hex text into a Buffer. Throws HexSyntaxError naming the line and column of the problem. */
export function hexToBytes(text: string): Buffer {
  const out: number[] = [];
  let line = 1;
  let lineStart = 0;
  let pendingNibble = -1;
  let pendingCol = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    const col = i - lineStart + 1;
    if (c === 0x0a) {
      if (pendingNibble >= 0) throw new HexSyntaxError('odd number of hex digits', line, pendingCol);
      line++;
      i++;
      lineStart = i;
      continue;
    }
    if (c === 0x23 || (c === 0x2f && text.charCodeAt(i + 1) === 0x2f)) {
      if (pendingNibble >= 0) throw new HexSyntaxError('odd number of hex digits', line, pendingCol);
      while (i < n && text.charCodeAt(i) !== 0x0a) i++;
      continue;
    }
    if (c === 0x20 || c === 0x09 || c === 0x0d || c === 0x2c || c === 0x3a || c === 0x7c) {
      if (pendingNibble >= 0) throw new HexSyntaxError('odd number of hex digits', line, pendingCol);
      i++;
      continue;
    }
    if (c === 0x22) {
      if (pendingNibble >= 0) throw new HexSyntaxError('odd number of hex digits', line, pendingCol);
      let j = i + 1;
      let str = '';
      for (;;) {
        if (j >= n || text.charCodeAt(j) === 0x0a) throw new HexSyntaxError('unterminated string', line, col);
        const d = text.charCodeAt(j);
        if (d === 0x22) break;
        if (d === 0x5c && j + 1 < n && (text[j + 1] === '"' || text[j + 1] === '\\')) j++;
        str += text[j];
        j++;
      }
      for (const byte of Buffer.from(str, 'utf8')) out.push(byte);
      i = j + 1;
      continue;
    }
    if (pendingNibble < 0 && c === 0x30 && (text.charCodeAt(i + 1) | 0x20) === 0x78) {
      // 0x prefix: must be followed by a hex digit
      if (hexVal(text.charCodeAt(i + 2)) < 0)
        throw new HexSyntaxError("'0x' not followed by a hex digit", line, col);
      i += 2;
      continue;
    }
    const v = hexVal(c);
    if (v < 0) {
      throw new HexSyntaxError(`unexpected character '${text[i]}' (not a hex digit)`, line, col);
    }
    if (pendingNibble < 0) {
      pendingNibble = v;
      pendingCol = col;
    } else {
      out.push((pendingNibble << 4) | v);
      pendingNibble = -1;
    }
    i++;
  }
  if (pendingNibble >= 0) throw new HexSyntaxError('odd number of hex digits', line, pendingCol);
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
