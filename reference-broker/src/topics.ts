// Topic name / filter validation and single-filter matching (the broker's own; see trie.ts for routing).

/** Topic Name check for PUBLISH: non-empty, no wildcards (MQTT-3.3.2-2 / 4.7.3-1), no U+0000 (MQTT-1.5.4-2). */
export function topicNameProblem(topic: string, maxLevels: number): string | undefined {
  if (topic.length === 0) return 'empty topic name';
  for (let i = 0; i < topic.length; i++) {
    const c = topic.charCodeAt(i);
    if (c === 0x2b || c === 0x23) return 'topic name contains a wildcard';
    if (c === 0) return 'topic name contains U+0000';
  }
  if (maxLevels > 0 && countLevels(topic) > maxLevels) return 'too many topic levels';
  return undefined;
}

function countLevels(s: string): number {
  let n = 1;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 0x2f) n++;
  return n;
}

export interface SharedFilter {
  group: string;
  filter: string;
}

/** Splits "$share/group/filter"; undefined when not a shared filter, null when malformed. */
export function parseShared(filter: string): SharedFilter | undefined | null {
  if (!filter.startsWith('$share/')) return undefined;
  const rest = filter.slice(7);
  const slash = rest.indexOf('/');
  if (slash <= 0) return null; // MQTT-4.8.2-1: ShareName at least one character, followed by /
  const group = rest.slice(0, slash);
  if (group.includes('+') || group.includes('#')) return null; // MQTT-4.8.2-2
  const f = rest.slice(slash + 1);
  if (f.length === 0) return null;
  return { group, filter: f };
}

/** Topic Filter check (MQTT-4.7.1-1, -2, -3): '#' last and alone in its level, '+' alone in its level. */
export function topicFilterProblem(filter: string, maxLevels: number): string | undefined {
  if (filter.length === 0) return 'empty topic filter'; // MQTT-4.7.3-1
  const levels = filter.split('/');
  if (maxLevels > 0 && levels.length > maxLevels) return 'too many topic levels';
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i]!;
    if (l.includes('\u0000')) return 'topic filter contains U+0000';
    if (l.includes('#') && (l !== '#' || i !== levels.length - 1))
      return "'#' must be the last level on its own";
    if (l.includes('+') && l !== '+') return "'+' must occupy a whole level";
  }
  return undefined;
}

export function hasWildcard(filter: string): boolean {
  return filter.includes('+') || filter.includes('#');
}

/** Does filter match topic? '$' topics are not matched by a leading wildcard (MQTT-4.7.2-1). */
export function topicMatches(filter: string, topic: string, dollarWildcard = false): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  if (!dollarWildcard && topic.startsWith('$') && (f[0] === '#' || f[0] === '+')) return false;
  for (let i = 0; i < f.length; i++) {
    const fl = f[i]!;
    if (fl === '#') return true;
    if (i >= t.length) return false;
    if (fl !== '+' && fl !== t[i]) return false;
  }
  return f.length === t.length;
}
