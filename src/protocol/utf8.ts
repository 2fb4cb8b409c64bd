// Strict UTF-8 checks for MQTT strings (3.1.1 section 1.5.3, 5.0 section 1.5.4).
// MUST level: well-formed UTF-8, no surrogate code points (U+D800..U+DFFF), no U+0000
//   [MQTT-1.5.3-1] [MQTT-1.5.3-2] (3.1.1), [MQTT-1.5.4-1] [MQTT-1.5.4-2] (5.0).
// SHOULD level (non-normative advice in the same section): no control characters U+0001..U+001F,
//   U+007F..U+009F, and no Unicode non-characters.

export type Utf8IssueKind = 'malformed' | 'overlong' | 'surrogate' | 'null' | 'control' | 'noncharacter';

export interface Utf8Issue {
  kind: Utf8IssueKind;
  /** Byte offset (relative to the buffer passed in) where the offending sequence starts. */
  offset: number;
  /** 'must' for malformed / surrogate / U+0000, 'should' for control characters and non-characters. */
  severity: 'must' | 'should';
  /** The code point, when one could be decoded. */
  codePoint?: number;
}

function softIssue(cp: number): Utf8IssueKind | undefined {
  if ((cp >= 0x01 && cp <= 0x1f) || (cp >= 0x7f && cp <= 0x9f)) return 'control';
  if ((cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) === 0xfffe) return 'noncharacter';
  return undefined;
}

/**
 * Scans buf[start, end) and returns every issue found. Scanning stops at the first MUST-level
 * issue (the rest of the string cannot be trusted), so at most one 'must' issue is returned and
 * it is always the last element.
 */
export function checkUtf8(buf: Uint8Array, start = 0, end = buf.length): Utf8Issue[] {
  const issues: Utf8Issue[] = [];
  let i = start;
  while (i < end) {
    const b0 = buf[i]!;
    if (b0 < 0x80) {
      if (b0 === 0) {
        issues.push({ kind: 'null', offset: i, severity: 'must', codePoint: 0 });
        return issues;
      }
      const soft = softIssue(b0);
      if (soft) issues.push({ kind: soft, offset: i, severity: 'should', codePoint: b0 });
      i++;
      continue;
    }
    let need: number;
    let cp: number;
    let min: number;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      need = 1;
      cp = b0 & 0x1f;
      min = 0x80;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      need = 2;
      cp = b0 & 0x0f;
      min = 0x800;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      need = 3;
      cp = b0 & 0x07;
      min = 0x10000;
    } else {
      const kind = b0 === 0xc0 || b0 === 0xc1 ? 'overlong' : 'malformed';
      issues.push({ kind, offset: i, severity: 'must' });
      return issues;
    }
    if (i + need >= end) {
      // truncated sequence: not enough bytes left in the string
      issues.push({ kind: 'malformed', offset: i, severity: 'must' });
      return issues;
    }
    for (let k = 1; k <= need; k++) {
      const b = buf[i + k]!;
      if ((b & 0xc0) !== 0x80) {
        issues.push({ kind: 'malformed', offset: i, severity: 'must' });
        return issues;
      }
      cp = (cp << 6) | (b & 0x3f);
    }
    if (cp < min) {
      issues.push({ kind: 'overlong', offset: i, severity: 'must', codePoint: cp });
      return issues;
    }
    if (cp > 0x10ffff) {
      issues.push({ kind: 'malformed', offset: i, severity: 'must', codePoint: cp });
      return issues;
    }
    if (cp >= 0xd800 && cp <= 0xdfff) {
      issues.push({ kind: 'surrogate', offset: i, severity: 'must', codePoint: cp });
      return issues;
    }
    const soft = softIssue(cp);
    if (soft) issues.push({ kind: soft, offset: i, severity: 'should', codePoint: cp });
    i += need + 1;
  }
  return issues;
}

/** True when buf[start, end) satisfies the MUST rules (well-formed, no surrogates, no U+0000). */
export function isValidMqttUtf8(buf: Uint8Array, start = 0, end = buf.length): boolean {
  // ASCII fast path: most topics and client ids are plain ASCII.
  let i = start;
  while (i < end) {
    const b = buf[i]!;
    if (b === 0) return false;
    if (b >= 0x80) break;
    i++;
  }
  if (i === end) return true;
  const issues = checkUtf8(buf, i, end);
  const last = issues[issues.length - 1];
  return last === undefined || last.severity !== 'must';
}

/**
 * Checks a JavaScript string that is about to be encoded: lone surrogates cannot be encoded as
 * UTF-8 (they would be replaced by U+FFFD) and U+0000 is forbidden. Returns the first MUST issue
 * with a UTF-16 index as offset, or null.
 */
export function checkStringMust(s: string): Utf8Issue | null {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0) return { kind: 'null', offset: i, severity: 'must', codePoint: 0 };
    if (c >= 0xd800 && c <= 0xdbff) {
      const n = s.charCodeAt(i + 1);
      if (n >= 0xdc00 && n <= 0xdfff) {
        i++;
        continue;
      }
      return { kind: 'surrogate', offset: i, severity: 'must', codePoint: c };
    }
    if (c >= 0xdc00 && c <= 0xdfff) return { kind: 'surrogate', offset: i, severity: 'must', codePoint: c };
  }
  return null;
}

export function describeUtf8Issue(issue: Utf8Issue): string {
  const cp =
    issue.codePoint !== undefined ? ` U+${issue.codePoint.toString(16).toUpperCase().padStart(4, '0')}` : '';
  switch (issue.kind) {
    case 'malformed':
      return `ill-formed UTF-8 at byte ${issue.offset}`;
    case 'overlong':
      return `overlong UTF-8 encoding at byte ${issue.offset}`;
    case 'surrogate':
      return `surrogate code point${cp} at byte ${issue.offset}`;
    case 'null':
      return `U+0000 at byte ${issue.offset}`;
    case 'control':
      return `control character${cp} at byte ${issue.offset}`;
    case 'noncharacter':
      return `Unicode non-character${cp} at byte ${issue.offset}`;
  }
}
