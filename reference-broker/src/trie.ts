// Subscription trie: one node per topic level; '+' and '#' are ordinary child keys. Shared
// subscriptions ($share/group/filter) hang off the node of their filter, one group per name, and
// deliver round-robin to one member (MQTT-4.8.2-?; 5.0 4.8.2 "each message to only one session").
import type { Session, Subscription } from './session.ts';

class TrieNode {
  children: Map<string, TrieNode> | undefined;
  subs: Map<Session, Subscription> | undefined;
  shared: Map<string, SharedGroup> | undefined;
}

export class SharedGroup {
  members: Subscription[] = [];
  next = 0;
  constructor(
    readonly name: string,
    readonly filter: string,
  ) {}

  /**
   * Round-robin pick, preferring connected sessions, among the members `may` accepts (the
   * subscribe ACL: a member must not receive a topic its rules deny).
   */
  pick(may?: (m: Subscription) => boolean): Subscription | undefined {
    const n = this.members.length;
    let offline = -1;
    for (let k = 0; k < n; k++) {
      const i = (this.next + k) % n;
      const m = this.members[i]!;
      if (may !== undefined && !may(m)) continue;
      if (m.session.conn !== undefined) {
        this.next = (i + 1) % n;
        return m;
      }
      if (offline < 0) offline = i;
    }
    if (offline < 0) return undefined;
    this.next = (offline + 1) % n;
    return this.members[offline];
  }
}

export interface MatchResult {
  subs: Subscription[];
  groups: SharedGroup[];
}

/** Topics up to this many levels are matched recursively (a stack depth that is always safe). */
const RECURSIVE_LEVELS = 128;

export class SubscriptionTrie {
  private root = new TrieNode();
  count = 0;
  private lastTopic = '';
  private lastLevels: string[] = [''];
  /** When true, a leading wildcard matches $ topics too (fault 'dollar-wildcard'). */
  dollarWildcard = false;
  /** scratch stacks of walkDeep() (reused: no allocation per lookup) */
  private readonly stackNodes: TrieNode[] = [];
  private readonly stackDepth: number[] = [];

  add(sub: Subscription): void {
    const node = this.nodeFor(sub.topicFilter, true)!;
    if (sub.shareGroup !== undefined) {
      node.shared ??= new Map();
      let g = node.shared.get(sub.shareGroup);
      if (!g) {
        g = new SharedGroup(sub.shareGroup, sub.topicFilter);
        node.shared.set(sub.shareGroup, g);
      }
      const i = g.members.findIndex((m) => m.session === sub.session);
      if (i >= 0) g.members[i] = sub;
      else {
        g.members.push(sub);
        this.count++;
      }
      return;
    }
    node.subs ??= new Map();
    if (!node.subs.has(sub.session)) this.count++;
    node.subs.set(sub.session, sub);
  }

  remove(sub: Subscription): void {
    const path: Array<[TrieNode, string]> = [];
    let node: TrieNode | undefined = this.root;
    for (const level of sub.topicFilter.split('/')) {
      const next: TrieNode | undefined = node.children?.get(level);
      if (!next) return;
      path.push([node, level]);
      node = next;
    }
    if (sub.shareGroup !== undefined) {
      const g = node.shared?.get(sub.shareGroup);
      if (!g) return;
      const i = g.members.findIndex((m) => m.session === sub.session);
      if (i >= 0) {
        g.members.splice(i, 1);
        this.count--;
      }
      if (g.members.length === 0) node.shared!.delete(sub.shareGroup);
    } else if (node.subs?.get(sub.session) === sub) {
      node.subs.delete(sub.session);
      this.count--;
    }
    // prune empty nodes
    for (let i = path.length - 1; i >= 0; i--) {
      const [parent, level] = path[i]!;
      const child = parent.children!.get(level)!;
      if (child.children?.size || child.subs?.size || child.shared?.size) break;
      parent.children!.delete(level);
    }
  }

  private nodeFor(filter: string, create: boolean): TrieNode | undefined {
    let node = this.root;
    for (const level of filter.split('/')) {
      let next = node.children?.get(level);
      if (!next) {
        if (!create) return undefined;
        next = new TrieNode();
        node.children ??= new Map();
        node.children.set(level, next);
      }
      node = next;
    }
    return node;
  }

  /** Collects matching subscriptions into out (cleared first). */
  match(topic: string, out: MatchResult): void {
    out.subs.length = 0;
    if (out.groups.length !== 0) out.groups.length = 0;
    let levels = this.lastLevels;
    if (topic !== this.lastTopic) {
      levels = topic.split('/');
      this.lastTopic = topic;
      this.lastLevels = levels;
    }
    const dollar = !this.dollarWildcard && topic.charCodeAt(0) === 0x24;
    // recursion is the fastest walk, and safe while its depth is small; deeper topics (up to
    // 65,535 levels, as a hostile peer sends them in wills, PUBLISH and filters) use the stack
    if (levels.length <= RECURSIVE_LEVELS) this.walk(this.root, levels, 0, out, dollar);
    else this.walkDeep(levels, out, dollar);
  }

  /** Recursive walk, for topics of at most RECURSIVE_LEVELS levels (bounded stack depth). */
  private walk(node: TrieNode, levels: string[], i: number, out: MatchResult, dollar: boolean): void {
    const ch = node.children;
    if (i === levels.length) {
      collect(node, out);
      // "a/#" also matches "a" (MQTT 4.7.1.2)
      const hash = ch?.get('#');
      if (hash) collect(hash, out);
      return;
    }
    if (!ch) return;
    if (!(dollar && i === 0)) {
      // MQTT-4.7.2-1: a leading wildcard does not match a topic starting with $
      const hash = ch.get('#');
      if (hash) collect(hash, out);
      const plus = ch.get('+');
      if (plus) this.walk(plus, levels, i + 1, out, dollar);
    }
    const exact = ch.get(levels[i]!);
    if (exact) this.walk(exact, levels, i + 1, out, dollar);
  }

  /**
   * The same walk with an explicit stack (no recursion), for deep topics. Each trie node is
   * visited at most once, so the cost is bounded by the number of matching nodes.
   */
  private walkDeep(levels: string[], out: MatchResult, dollar: boolean): void {
    const nodes = this.stackNodes;
    const depth = this.stackDepth;
    nodes.length = 0;
    depth.length = 0;
    nodes.push(this.root);
    depth.push(0);
    const n = levels.length;
    while (nodes.length > 0) {
      const node = nodes.pop()!;
      const i = depth.pop()!;
      const ch = node.children;
      if (i === n) {
        collect(node, out);
        // "a/#" also matches "a" (MQTT 4.7.1.2)
        const hash = ch?.get('#');
        if (hash) collect(hash, out);
        continue;
      }
      if (!ch) continue;
      // pushed in reverse so that the exact branch is visited after '#' and '+' (stable order)
      const exact = ch.get(levels[i]!);
      if (exact) {
        nodes.push(exact);
        depth.push(i + 1);
      }
      if (!(dollar && i === 0)) {
        // MQTT-4.7.2-1: a leading wildcard does not match a topic starting with $
        const plus = ch.get('+');
        if (plus) {
          nodes.push(plus);
          depth.push(i + 1);
        }
        const hash = ch.get('#');
        if (hash) collect(hash, out);
      }
    }
    nodes.length = 0;
  }
}

function collect(node: TrieNode, out: MatchResult): void {
  if (node.subs) for (const s of node.subs.values()) out.subs.push(s);
  if (node.shared) for (const g of node.shared.values()) out.groups.push(g);
}
