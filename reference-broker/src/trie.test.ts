import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Session, type Subscription } from './session.ts';
import { topicFilterProblem, topicMatches, topicNameProblem } from './topics.ts';
import { type MatchResult, SubscriptionTrie } from './trie.ts';

function sub(s: Session, filter: string, group?: string): Subscription {
  return {
    session: s,
    filter: group ? `$share/${group}/${filter}` : filter,
    topicFilter: filter,
    shareGroup: group,
    qos: 1,
    noLocal: false,
    retainAsPublished: false,
    retainHandling: 0,
    subId: 0,
    aclCheck: false,
    aclCache: undefined,
  };
}

function matches(trie: SubscriptionTrie, topic: string): string[] {
  const out: MatchResult = { subs: [], groups: [] };
  trie.match(topic, out);
  return out.subs.map((x) => x.filter).sort();
}

describe('topic matching (A15, A16)', () => {
  const cases: Array<[string, string, boolean]> = [
    ['myhome/groundfloor/+/temperature', 'myhome/groundfloor/livingroom/temperature', true],
    ['myhome/groundfloor/+/temperature', 'myhome/groundfloor/kitchen/brightness', false],
    ['myhome/groundfloor/+/temperature', 'myhome/firstfloor/kitchen/temperature', false],
    ['myhome/groundfloor/+/temperature', 'myhome/groundfloor/kitchen/fridge/temperature', false],
    ['/uk/+/stores', '/uk/newcastle/stores', true],
    ['/uk/+/stores', '/uk/cities/newcastle/stores', false],
    ['sensors/#', 'sensors', true],
    ['sensors/#', 'sensors/status/a', true],
    ['#', '$SYS/broker/uptime', false],
    ['+/broker/uptime', '$SYS/broker/uptime', false],
    ['$SYS/#', '$SYS/broker/uptime', true],
    ['+', '/', false],
    ['+/+', '/', true],
    ['/#', '/a', true],
    ['myhome/temperature', 'MyHome/Temperature', false],
    ['USA/California/San Francisco/+', 'USA/California/San Francisco/Silicon Valley', true],
  ];
  test('topicMatches and the trie agree on the match table', () => {
    for (const [filter, topic, expected] of cases) {
      assert.equal(topicMatches(filter, topic), expected, `${filter} vs ${topic}`);
      const t = new SubscriptionTrie();
      t.add(sub(new Session('c', 4), filter));
      assert.equal(matches(t, topic).length === 1, expected, `trie: ${filter} vs ${topic}`);
    }
  });

  test('dollar-wildcard fault lets # match $ topics', () => {
    const t = new SubscriptionTrie();
    t.dollarWildcard = true;
    t.add(sub(new Session('c', 4), '#'));
    assert.deepEqual(matches(t, '$SYS/x'), ['#']);
  });

  test('validation of names and filters', () => {
    assert.equal(topicNameProblem('a/b', -1), undefined);
    assert.match(topicNameProblem('a/+', -1)!, /wildcard/);
    assert.match(topicNameProblem('a/#', -1)!, /wildcard/);
    assert.match(topicNameProblem('', -1)!, /empty/);
    assert.match(topicNameProblem('a/b/c', 2)!, /levels/);
    assert.equal(topicFilterProblem('a/+/#', -1), undefined);
    assert.notEqual(topicFilterProblem('a/#/b', -1), undefined);
    assert.notEqual(topicFilterProblem('a+', -1), undefined);
    assert.notEqual(topicFilterProblem('a/b#', -1), undefined);
  });
});

describe('SubscriptionTrie', () => {
  test('add, replace, remove and prune', () => {
    const t = new SubscriptionTrie();
    const s1 = new Session('a', 4);
    const s2 = new Session('b', 4);
    const x = sub(s1, 'a/+');
    t.add(x);
    t.add(sub(s2, 'a/#'));
    t.add(sub(s2, 'a/b'));
    assert.equal(t.count, 3);
    assert.deepEqual(matches(t, 'a/b'), ['a/#', 'a/+', 'a/b']);
    t.add(sub(s1, 'a/+')); // replace, same session
    assert.equal(t.count, 3);
    t.remove(x); // stale object: not removed (replaced)
    assert.equal(t.count, 3);
    t.remove(sub(s2, 'a/b'));
    assert.equal(t.count, 3, 'a different object for the same session does not remove');
  });

  test('shared groups deliver round-robin to one member', () => {
    const t = new SubscriptionTrie();
    const members = ['c1', 'c2', 'c3'].map((id) => new Session(id, 5));
    for (const m of members) t.add(sub(m, 'jobs/+', 'g1'));
    t.add(sub(members[0]!, 'jobs/+', 'g2'));
    const out: MatchResult = { subs: [], groups: [] };
    const picks: string[] = [];
    for (let i = 0; i < 6; i++) {
      t.match('jobs/x', out);
      assert.equal(out.groups.length, 2);
      const g1 = out.groups.find((g) => g.name === 'g1')!;
      picks.push(g1.pick()!.session.clientId);
    }
    assert.deepEqual(picks, ['c1', 'c2', 'c3', 'c1', 'c2', 'c3']);
  });

  test('lookups of 65,535 levels do not recurse (no stack overflow)', () => {
    const t = new SubscriptionTrie();
    const s = new Session('deep', 5);
    const deepest = '/'.repeat(65534);
    t.add(sub(s, deepest));
    t.add(sub(s, `${'+/'.repeat(32766)}#`));
    t.add(sub(s, `${'a/'.repeat(5000)}a`));
    t.add(sub(s, `${'+/'.repeat(5000)}+`));
    assert.equal(matches(t, deepest).length, 2);
    assert.equal(matches(t, `${'a/'.repeat(5000)}a`).length, 2);
    assert.equal(matches(t, `${'a/'.repeat(5001)}a`).length, 0);
  });

  test('the deep walk finds what the recursive walk finds, in the same order', () => {
    const t = new SubscriptionTrie();
    const s = new Session('x', 5);
    const deep = 'a/'.repeat(200);
    for (const f of ['#', '+/#', 'a/#', 'a/+/#', `${deep}#`, `${deep}+`, `${deep}b`, `${deep}+/#`])
      t.add(sub(s, f));
    // both walks, on the same 201-level topic (match() picks walkDeep beyond 128 levels)
    type Walks = {
      root: unknown;
      walk(n: unknown, l: string[], i: number, o: MatchResult, d: boolean): void;
      walkDeep(l: string[], o: MatchResult, d: boolean): void;
    };
    const w = t as unknown as Walks;
    const levels = `${deep}b`.split('/');
    const rec: MatchResult = { subs: [], groups: [] };
    const it: MatchResult = { subs: [], groups: [] };
    w.walk(w.root, levels, 0, rec, false);
    w.walkDeep(levels, it, false);
    assert.equal(rec.subs.length, 8);
    assert.deepEqual(
      it.subs.map((x) => x.filter),
      rec.subs.map((x) => x.filter),
    );
    const viaMatch: MatchResult = { subs: [], groups: [] };
    t.match(`${deep}b`, viaMatch);
    assert.deepEqual(viaMatch.subs, it.subs);
  });
});
