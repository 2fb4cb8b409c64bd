// Topic ACL: ordered rules, the first one matching (user, action, topic) decides; no match = allow.
// Patterns may use + and # and the substitutions %u (user name) and %c (client id).
//
// Semantics (docs/security.md, "Topic ACLs"):
// - publish: the pattern is matched against the Topic Name (wills included, at CONNECT).
// - subscribe: a rule matches a Topic Filter only when every topic the filter can match is inside
//   the pattern (the filter is a subset of the pattern): "secret/#" covers "secret/+/x" but not
//   "#". A filter no rule denies as a whole is granted, and every delivery to it is checked again
//   against its concrete Topic Name (allowedToReceive), so "#" never carries a denied topic.
// - %u and %c stand for exactly one level and compare as text. A value containing '+', '#' or '/',
//   or an empty one (no user name), matches no topic level: an allow rule does not grant through
//   it, and a deny rule fails closed (the level is treated as '+'), CVE-2017-7650 class.
import type { AclAction, AclRule } from '../config/schema.ts';

const PLUS = 1;
const HASH = 2;
const TEXT = 3;
const TEMPLATE = 4;

interface Level {
  kind: typeof PLUS | typeof HASH | typeof TEXT | typeof TEMPLATE;
  text: string;
}

interface CompiledRule {
  user: string;
  action: AclAction;
  allow: boolean;
  levels: Level[];
}

function compile(r: AclRule): CompiledRule {
  const levels = r.topic.split('/').map((text): Level => {
    if (text === '+') return { kind: PLUS, text };
    if (text === '#') return { kind: HASH, text };
    if (text.includes('%u') || text.includes('%c')) return { kind: TEMPLATE, text };
    return { kind: TEXT, text };
  });
  return { user: r.user, action: (r.allow ?? r.deny)!, allow: r.allow !== undefined, levels };
}

/** The value of a %u / %c level, or undefined when it cannot stand for one level literally. */
function substitute(template: string, user: string | undefined, clientId: string): string | undefined {
  let out = template;
  if (out.includes('%u')) {
    if (user === undefined || !usable(user)) return undefined;
    out = out.replaceAll('%u', user);
  }
  if (out.includes('%c')) {
    if (!usable(clientId)) return undefined;
    out = out.replaceAll('%c', clientId);
  }
  return out;
}

function usable(v: string): boolean {
  return v.length > 0 && !v.includes('+') && !v.includes('#') && !v.includes('/');
}

/**
 * Does the rule's pattern cover every topic of `filter` (a Topic Name is a filter without
 * wildcards)? Iterative, linear in the number of levels.
 */
function covers(rule: CompiledRule, filter: string[], user: string | undefined, clientId: string): boolean {
  const p = rule.levels;
  // MQTT-4.7.2-1 does not apply here: an ACL '#' covers $SYS topics too (the stricter reading)
  for (let i = 0; i < p.length; i++) {
    const pl = p[i]!;
    if (pl.kind === HASH) return true; // covers the rest, and the parent level ("a/#" covers "a")
    if (i >= filter.length) return false;
    const fl = filter[i]!;
    if (fl === '#') return false; // the filter reaches deeper and wider than this pattern
    if (pl.kind === PLUS) continue;
    let text = pl.text;
    if (pl.kind === TEMPLATE) {
      const v = substitute(pl.text, user, clientId);
      if (v === undefined) {
        if (rule.allow) return false; // never grant through an unusable value
        continue; // deny fails closed: the level is treated as '+'
      }
      text = v;
    }
    if (fl === '+' || fl !== text) return false;
  }
  return p.length === filter.length;
}

export class Acl {
  private readonly rules: CompiledRule[];

  constructor(rules: AclRule[]) {
    this.rules = rules.map(compile);
  }

  get empty(): boolean {
    return this.rules.length === 0;
  }

  /** Publish: `topic` is a Topic Name. Subscribe: `topic` is a Topic Filter (subset semantics). */
  allowed(
    user: string | undefined,
    clientId: string,
    action: 'publish' | 'subscribe',
    topic: string,
  ): boolean {
    if (this.rules.length === 0) return true;
    const levels = topic.split('/');
    for (const r of this.rules) {
      if (r.user !== '*' && r.user !== user) continue;
      if (r.action !== 'both' && r.action !== action) continue;
      if (covers(r, levels, user, clientId)) return r.allow;
    }
    return true;
  }

  /**
   * Can a grant for `filter` carry a topic that the ACL refuses to this user? False when no
   * subscribe rule denies anything to the user, or when the filter has no wildcard (then the
   * check at SUBSCRIBE was already the check of its only topic). Decides whether deliveries
   * through a subscription are checked one by one.
   */
  needsDeliveryCheck(user: string | undefined, filter: string): boolean {
    if (!filter.includes('+') && !filter.includes('#')) return false;
    return this.rules.some((r) => !r.allow && (r.user === '*' || r.user === user) && r.action !== 'publish');
  }
}

/** Per-subscription memo of delivery decisions (bounded: cleared when full). */
export const DELIVERY_CACHE_MAX = 1024;

export interface DeliveryChecked {
  /** set at SUBSCRIBE from Acl.needsDeliveryCheck */
  aclCheck: boolean;
  aclCache: Map<string, boolean> | undefined;
}

/**
 * May a delivery through `sub` (owned by `user` / `clientId`) carry `topic`? The subscribe rules
 * decide, on the concrete Topic Name. Only called when sub.aclCheck is set.
 */
export function allowedToReceive(
  acl: Acl,
  sub: DeliveryChecked,
  user: string | undefined,
  clientId: string,
  topic: string,
): boolean {
  let cache = sub.aclCache;
  if (cache === undefined) {
    cache = new Map();
    sub.aclCache = cache;
  } else {
    const hit = cache.get(topic);
    if (hit !== undefined) return hit;
    if (cache.size >= DELIVERY_CACHE_MAX) cache.clear();
  }
  const ok = acl.allowed(user, clientId, 'subscribe', topic);
  cache.set(topic, ok);
  return ok;
}
