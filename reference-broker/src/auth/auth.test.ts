import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Acl } from './acl.ts';
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
