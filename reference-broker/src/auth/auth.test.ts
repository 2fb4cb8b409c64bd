import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Acl, allowedToReceive, DELIVERY_CACHE_MAX } from './acl.ts';
import { ScramClient, scramFinish, scramStart } from './scram.ts';
import { checkPassword, hashPassword, parseUsers } from './users.ts';

describe('users file', () => {
  test('plain and $pbkdf2-sha256$ entries; comments and blank lines ignored', () => {
    const users = parseUsers(`# comment\n\nalice:secret\nbob:${hashPassword('hunter2', 1000)}\n`);
    assert.equal(users.size, 2);
    assert.ok(checkPassword(users.get('alice')!, 'secret'));
    assert.ok(!checkPassword(users.get('alice')!, 'Secret'));
    assert.ok(checkPassword(users.get('bob')!, Buffer.from('hunter2')));
    assert.ok(!checkPassword(users.get('bob')!, 'hunter3'));
    assert.ok(!checkPassword(users.get('bob')!, undefined));
  });

  test('malformed lines are reported with their line number', () => {
    assert.throws(() => parseUsers('ok:1\nnocolon\n', 'users.txt'), /users\.txt:2: expected name:password/);
    assert.throws(() => parseUsers('x:$pbkdf2-sha256$zero$$\n', 'u'), /u:1: malformed/);
  });
});

describe('ACL', () => {
  test('first matching rule decides; %u and %c substitutions; no match allows', () => {
    const acl = new Acl([
      { user: '*', allow: 'both', topic: 'home/%u/#' },
      { user: '*', deny: 'publish', topic: 'home/#' },
      { user: 'admin', allow: 'subscribe', topic: '$SYS/#' },
      { user: '*', deny: 'subscribe', topic: '$SYS/#' },
      { user: '*', allow: 'publish', topic: 'clients/%c' },
      { user: '*', deny: 'publish', topic: 'clients/#' },
    ]);
    assert.ok(acl.allowed('ann', 'c1', 'publish', 'home/ann/lamp'));
    assert.ok(!acl.allowed('ann', 'c1', 'publish', 'home/bob/lamp'));
    assert.ok(acl.allowed('ann', 'c1', 'subscribe', 'home/bob/lamp'));
    assert.ok(acl.allowed('admin', 'c1', 'subscribe', '$SYS/broker/uptime'));
    assert.ok(!acl.allowed('ann', 'c1', 'subscribe', '$SYS/#'));
    assert.ok(acl.allowed(undefined, 'c7', 'publish', 'clients/c7'));
    assert.ok(!acl.allowed(undefined, 'c7', 'publish', 'clients/c8'));
    assert.ok(acl.allowed('ann', 'c1', 'publish', 'elsewhere'));
  });

  test('a subscribe rule matches a filter only when the filter lies inside the pattern', () => {
    const acl = new Acl([
      { user: '*', allow: 'subscribe', topic: 'a/+/c' },
      { user: '*', deny: 'subscribe', topic: 'secret/#' },
      { user: '*', deny: 'subscribe', topic: 'a/#' },
    ]);
    assert.ok(acl.allowed('u', 'c', 'subscribe', 'a/b/c'));
    assert.ok(acl.allowed('u', 'c', 'subscribe', 'a/+/c'));
    assert.ok(!acl.allowed('u', 'c', 'subscribe', 'a/#'), "a/# reaches beyond a/+/c and into 'a/#'");
    assert.ok(!acl.allowed('u', 'c', 'subscribe', 'secret/+/x'));
    assert.ok(!acl.allowed('u', 'c', 'subscribe', 'secret'), "'secret/#' covers 'secret'");
    // wider than every deny rule: granted, and each delivery is checked against the topic name
    assert.ok(acl.allowed('u', 'c', 'subscribe', '#'));
    assert.ok(acl.allowed('u', 'c', 'subscribe', '+/+'));
    assert.ok(acl.needsDeliveryCheck('u', '#'));
    assert.ok(!acl.needsDeliveryCheck('u', 'open/x'), 'an exact filter was checked at SUBSCRIBE');
    assert.ok(!acl.allowed('u', 'c', 'subscribe', 'secret/plans'));
    assert.ok(!new Acl([{ user: '*', allow: 'subscribe', topic: '#' }]).needsDeliveryCheck('u', '#'));
    assert.ok(!new Acl([{ user: 'x', deny: 'subscribe', topic: 'a' }]).needsDeliveryCheck('u', '#'));
    assert.ok(!new Acl([{ user: '*', deny: 'publish', topic: 'a' }]).needsDeliveryCheck('u', '#'));
  });

  test('%u and %c are literal: + # / or an empty value never grant, and fail closed in deny rules', () => {
    const acl = new Acl([
      { user: '*', allow: 'both', topic: 'clients/%c/#' },
      { user: '*', allow: 'both', topic: 'users/%u/#' },
      { user: '*', deny: 'both', topic: '#' },
    ]);
    assert.ok(acl.allowed('ann', 'c1', 'subscribe', 'clients/c1/#'));
    assert.ok(acl.allowed('ann', 'c1', 'publish', 'users/ann/x'));
    for (const id of ['+', '#', 'c1/x', 'a+b', '']) {
      assert.ok(!acl.allowed('ann', id, 'subscribe', 'clients/+/#'), id);
      assert.ok(!acl.allowed('ann', id, 'subscribe', 'clients/#'), id);
      assert.ok(!acl.allowed('ann', id, 'subscribe', 'clients/c1/x/#'), id);
      assert.ok(!acl.allowed('ann', id, 'publish', 'clients/c1/x'), id);
    }
    for (const user of ['+', '#', 'ann/x', undefined]) {
      assert.ok(!acl.allowed(user, 'c1', 'subscribe', 'users/+/#'), String(user));
      assert.ok(!acl.allowed(user, 'c1', 'publish', 'users/ann/x/y'), String(user));
    }
    const deny = new Acl([{ user: '*', deny: 'publish', topic: 'clients/%c/admin' }]);
    assert.ok(!deny.allowed('u', 'c1', 'publish', 'clients/c1/admin'));
    assert.ok(deny.allowed('u', 'c1', 'publish', 'clients/c2/admin'));
    assert.ok(!deny.allowed('u', '+', 'publish', 'clients/c2/admin'), 'an unusable value denies as +');
  });

  test('delivery decisions are cached per subscription, bounded', () => {
    const acl = new Acl([{ user: '*', deny: 'subscribe', topic: 'secret/#' }]);
    const sub = { aclCheck: true, aclCache: undefined as Map<string, boolean> | undefined };
    assert.equal(allowedToReceive(acl, sub, 'u', 'c', 'secret/plans'), false);
    assert.equal(allowedToReceive(acl, sub, 'u', 'c', 'open/x'), true);
    assert.equal(sub.aclCache!.get('secret/plans'), false);
    for (let i = 0; i < DELIVERY_CACHE_MAX + 10; i++) allowedToReceive(acl, sub, 'u', 'c', `t/${i}`);
    assert.ok(sub.aclCache!.size <= DELIVERY_CACHE_MAX);
    assert.equal(allowedToReceive(acl, sub, 'u', 'c', 'secret/plans'), false);
  });

  test('deep topics are matched without recursion', () => {
    const acl = new Acl([{ user: '*', deny: 'subscribe', topic: `${'+/'.repeat(30000)}#` }]);
    assert.ok(!acl.allowed('u', 'c', 'subscribe', '/'.repeat(65534)));
    assert.ok(acl.allowed('u', 'c', 'subscribe', 'a/b'));
  });
});

describe('SCRAM-SHA-256', () => {
  const users = parseUsers('crucible:crucible-pass\n');
  test('a full exchange succeeds and the client verifies the server', () => {
    const c = new ScramClient('crucible', 'crucible-pass');
    const s1 = scramStart(users, c.first());
    assert.ok(s1.ok && 'state' in s1);
    const s2 = scramFinish(users, s1.state, c.final(s1.reply));
    assert.ok(s2.ok && 'done' in s2);
    assert.equal(s2.user, 'crucible');
    assert.ok(c.verify(s2.reply));
  });

  test('wrong password, unknown user, tampered nonce and bad header fail', () => {
    const c = new ScramClient('crucible', 'nope');
    const s1 = scramStart(users, c.first());
    assert.ok(s1.ok && 'state' in s1);
    assert.equal(scramFinish(users, s1.state, c.final(s1.reply)).ok, false);
    assert.equal(scramStart(users, new ScramClient('ghost', 'x').first()).ok, false);
    assert.equal(scramStart(users, Buffer.from('y,,n=crucible,r=abc')).ok, false);
    const c2 = new ScramClient('crucible', 'crucible-pass');
    const t1 = scramStart(users, c2.first());
    assert.ok(t1.ok && 'state' in t1);
    const final = c2
      .final(t1.reply)
      .toString()
      .replace(/r=[^,]+/, 'r=forged');
    assert.equal(scramFinish(users, t1.state, Buffer.from(final)).ok, false);
  });
});
