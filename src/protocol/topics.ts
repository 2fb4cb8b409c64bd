// Topic Name / Topic Filter validation and matching (3.1.1 section 4.7, 5.0 sections 4.7 and 4.8.2).
import { checkStringMust } from './utf8.ts';

export interface TopicProblem {
  reason: string;
  /** Normative statement id (exists in shared/spec for the given version). */
  statement: string;
}

export interface TopicOptions {
  /** 4 (or 3) = MQTT 3.1.x statement ids, 5 = MQTT 5.0 ids. Default 5. */
  version?: 3 | 4 | 5;
  /** v5 only: a zero-length Topic Name is allowed when a Topic Alias is present. */
  allowEmpty?: boolean;
}

const MAX_TOPIC_BYTES = 65_535;

/** Statement ids per version (3.1.1 and 5.0 number some topic rules differently). */
function ids(version: 3 | 4 | 5) {
  const v5 = version === 5;
  return {
    empty: 'MQTT-4.7.3-1',
    nul: 'MQTT-4.7.3-2',
    tooLong: 'MQTT-4.7.3-3',
    surrogate: v5 ? 'MQTT-1.5.4-1' : 'MQTT-1.5.3-1',
    wildcardInName: 'MQTT-3.3.2-2',
    hash: v5 ? 'MQTT-4.7.1-1' : 'MQTT-4.7.1-2',
    plus: v5 ? 'MQTT-4.7.1-2' : 'MQTT-4.7.1-3',
  };
}

function commonChecks(s: string, version: 3 | 4 | 5, allowEmpty: boolean): TopicProblem | null {
  const id = ids(version);
  if (s.length === 0 && !allowEmpty) return { reason: 'empty topic', statement: id.empty };
  const bad = checkStringMust(s);
  if (bad) {
    return bad.kind === 'null'
      ? { reason: `U+0000 at index ${bad.offset}`, statement: id.nul }
      : { reason: `lone surrogate at index ${bad.offset}`, statement: id.surrogate };
  }
  if (s.length > MAX_TOPIC_BYTES / 3 && Buffer.byteLength(s, 'utf8') > MAX_TOPIC_BYTES) {
    return { reason: 'longer than 65535 bytes', statement: id.tooLong };
  }
  return null;
}

/** Validates a Topic Name (PUBLISH, Will Topic, Response Topic): no wildcards [MQTT-3.3.2-2] [MQTT-4.7.0-1]. */
export function validateTopicName(s: string, opts: TopicOptions = {}): TopicProblem | null {
  const version = opts.version ?? 5;
  const p = commonChecks(s, version, version === 5 && opts.allowEmpty === true);
  if (p) return p;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x2b || c === 0x23) {
      return {
        reason: `wildcard '${s[i]}' in topic name at index ${i}`,
        statement: ids(version).wildcardInName,
      };
    }
  }
  return null;
}

export interface SharedSubscription {
  shareName: string;
  filter: string;
}

/** '$share/{ShareName}/{filter}' -> parts, or null when the string does not start with '$share/'. */
export function parseSharedSubscription(s: string): SharedSubscription | null {
  if (!s.startsWith('$share/')) return null;
  const rest = s.slice(7);
  const slash = rest.indexOf('/');
  if (slash < 0) return { shareName: rest, filter: '' };
  return { shareName: rest.slice(0, slash), filter: rest.slice(slash + 1) };
}

function wildcardChecks(f: string, version: 3 | 4 | 5): TopicProblem | null {
  const id = ids(version);
  for (let i = 0; i < f.length; i++) {
    const c = f.charCodeAt(i);
    if (c === 0x23) {
      // '#' alone or after '/', and last [MQTT-4.7.1-2] (3.1.1) / [MQTT-4.7.1-1] (5.0)
      if (i !== f.length - 1) return { reason: `'#' not last at index ${i}`, statement: id.hash };
      if (i > 0 && f.charCodeAt(i - 1) !== 0x2f) {
        return { reason: `'#' does not follow '/' at index ${i}`, statement: id.hash };
      }
    } else if (c === 0x2b) {
      // '+' occupies a whole level [MQTT-4.7.1-3] (3.1.1) / [MQTT-4.7.1-2] (5.0)
      const before = i === 0 || f.charCodeAt(i - 1) === 0x2f;
      const after = i === f.length - 1 || f.charCodeAt(i + 1) === 0x2f;
      if (!before || !after)
        return { reason: `'+' does not fill a whole level at index ${i}`, statement: id.plus };
    }
  }
  return null;
}

/** Validates a Topic Filter (SUBSCRIBE / UNSUBSCRIBE), including v5 shared-subscription syntax. */
export function validateTopicFilter(s: string, opts: TopicOptions = {}): TopicProblem | null {
  const version = opts.version ?? 5;
  const p = commonChecks(s, version, false);
  if (p) return p;
  if (version === 5) {
    const shared = parseSharedSubscription(s);
    if (shared) {
      if (shared.shareName.length === 0) return { reason: 'empty ShareName', statement: 'MQTT-4.8.2-1' };
      if (/[+#]/.test(shared.shareName)) {
        return { reason: `ShareName '${shared.shareName}' contains a wildcard`, statement: 'MQTT-4.8.2-2' };
      }
      if (!s.includes('/', 7)) {
        return { reason: 'ShareName not followed by / and a Topic Filter', statement: 'MQTT-4.8.2-2' };
      }
      if (shared.filter.length === 0)
        return { reason: 'empty Topic Filter after ShareName', statement: 'MQTT-4.8.2-2' };
      return wildcardChecks(shared.filter, version);
    }
  }
  return wildcardChecks(s, version);
}

/**
 * True when the Topic Name matches the Topic Filter (section 4.7). Byte-exact comparison
 * [MQTT-4.7.3-4]; '+' matches one level (possibly empty); 'a/#' also matches 'a'; filters starting
 * with a wildcard never match topics starting with '$' [MQTT-4.7.2-1]. A '$share/{name}/' prefix is
 * stripped first. Allocation-free.
 */
export function topicMatches(filter: string, topic: string): boolean {
  let fi = 0;
  if (filter.startsWith('$share/')) {
    const slash = filter.indexOf('/', 7);
    if (slash < 0) return false;
    fi = slash + 1;
  }
  const fl = filter.length;
  const tl = topic.length;
  if (topic.charCodeAt(0) === 0x24) {
    const f0 = filter.charCodeAt(fi);
    if (f0 === 0x2b || f0 === 0x23) return false; // [MQTT-4.7.2-1]
  }
  let ti = 0;
  while (fi < fl) {
    const fc = filter.charCodeAt(fi);
    if (fc === 0x23) return true; // '#' (must be last): matches this level and everything below
    if (fc === 0x2b) {
      // skip one topic level
      while (ti < tl && topic.charCodeAt(ti) !== 0x2f) ti++;
      fi++;
    } else {
      // literal level
      while (fi < fl && filter.charCodeAt(fi) !== 0x2f) {
        if (ti >= tl || topic.charCodeAt(ti) !== filter.charCodeAt(fi)) return false;
        fi++;
        ti++;
      }
      if (ti < tl && topic.charCodeAt(ti) !== 0x2f) return false;
    }
    // both at a level end ('/' or end of string)
    if (fi >= fl) return ti >= tl;
    // filter has '/'
    if (ti >= tl) {
      // topic ended: only "/#" can still match (parent-level rule)
      return fi + 2 === fl && filter.charCodeAt(fi + 1) === 0x23;
    }
    fi++;
    ti++;
  }
  return ti >= tl && fl > 0;
}
