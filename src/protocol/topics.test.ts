import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseSharedSubscription, topicMatches, validateTopicFilter, validateTopicName } from './topics.ts';

describe('topicMatches', () => {
  const table: [string, string, boolean][] = [
    ['a/b', 'a/b', true],
    ['a/b', 'a/c', false],
    ['a/b', 'a/b/c', false],
    ['a/b/c', 'a/b', false],
    ['A/b', 'a/b', false], // byte-exact [MQTT-4.7.3-4]
    ['+', 'a', true],
    ['+', 'a/b', false],
    ['+', '/a', false],
    ['+/+', '/a', true], // '+' matches an empty level
    ['a/+', 'a/', true],
    ['a/+/c', 'a//c', true],
    ['a/+', 'a', false],
    ['#', 'a', true],
    ['#', 'a/b/c', true],
    ['#', '/', true],
    ['a/#', 'a', true], // '#' also matches the parent level
    ['a/#', 'a/', true],
    ['a/#', 'a/b/c', true],
    ['a/#', 'ab', false],
    ['a/b/#', 'a', false],
    ['+/#', 'a', true],
    ['sport/tennis/+', 'sport/tennis/player1', true],
    ['sport/tennis/+', 'sport/tennis/player1/ranking', false],
    ['#', '$SYS/x', false], // [MQTT-4.7.2-1]
    ['+/x', '$SYS/x', false],
    ['$SYS/#', '$SYS/x', true],
    ['$SYS/+', '$SYS/x', true],
    ['a/$b', 'a/$b', true],
    ['+/$b', 'a/$b', true],
    ['$share/g/a/+', 'a/b', true],
    ['$share/g/#', '$SYS/x', false],
    ['é/+', 'é/€', true],
  ];
  for (const [filter, topic, expected] of table) {
    test(`${filter} ${expected ? 'matches' : 'does not match'} ${topic}`, () => {
      assert.equal(topicMatches(filter, topic), expected);
    });
  }
});

describe('validateTopicName', () => {
  const table: [string, 4 | 5, string | null][] = [
    ['a/b', 4, null],
    ['/', 5, null],
    ['a/+', 4, 'MQTT-3.3.2-2'],
    ['#', 5, 'MQTT-3.3.2-2'],
    ['', 4, 'MQTT-4.7.3-1'],
    ['', 5, 'MQTT-4.7.3-1'],
    ['a\u0000b', 5, 'MQTT-4.7.3-2'],
    ['a\ud800', 5, 'MQTT-1.5.4-1'],
    ['a\udc00', 4, 'MQTT-1.5.3-1'],
    ['x'.repeat(65_536), 5, 'MQTT-4.7.3-3'],
    ['€'.repeat(21_846), 5, 'MQTT-4.7.3-3'],
    ['€'.repeat(21_845), 5, null],
  ];
  for (const [name, version, statement] of table) {
    test(`${JSON.stringify(name.slice(0, 12))} v${version} -> ${statement}`, () => {
      assert.equal(validateTopicName(name, { version })?.statement ?? null, statement);
    });
  }
  test('v5 empty name allowed with a topic alias', () => {
    assert.equal(validateTopicName('', { version: 5, allowEmpty: true }), null);
    assert.notEqual(validateTopicName('', { version: 4, allowEmpty: true }), null);
  });
});

describe('validateTopicFilter', () => {
  const table: [string, 4 | 5, string | null][] = [
    ['a/b', 4, null],
    ['#', 4, null],
    ['a/#', 5, null],
    ['+', 5, null],
    ['+/+/#', 4, null],
    ['/+/', 5, null],
    ['a#', 4, 'MQTT-4.7.1-2'],
    ['a#', 5, 'MQTT-4.7.1-1'],
    ['a/#/b', 5, 'MQTT-4.7.1-1'],
    ['a+', 4, 'MQTT-4.7.1-3'],
    ['a/+b', 5, 'MQTT-4.7.1-2'],
    ['', 5, 'MQTT-4.7.3-1'],
    ['a\u0000', 4, 'MQTT-4.7.3-2'],
    ['$share/g/a/#', 5, null],
    ['$share//a', 5, 'MQTT-4.8.2-1'],
    ['$share/g', 5, 'MQTT-4.8.2-2'],
    ['$share/g/', 5, 'MQTT-4.8.2-2'],
    ['$share/g+/a', 5, 'MQTT-4.8.2-2'],
    ['$share/g/a#', 5, 'MQTT-4.7.1-1'],
    ['$share/g', 4, null], // no shared subscriptions in 3.1.1: a plain filter
  ];
  for (const [filter, version, statement] of table) {
    test(`${JSON.stringify(filter)} v${version} -> ${statement}`, () => {
      assert.equal(validateTopicFilter(filter, { version })?.statement ?? null, statement);
    });
  }
});

test('parseSharedSubscription', () => {
  assert.deepEqual(parseSharedSubscription('$share/g/a/b'), { shareName: 'g', filter: 'a/b' });
  assert.deepEqual(parseSharedSubscription('$share/g'), { shareName: 'g', filter: '' });
  assert.equal(parseSharedSubscription('a/b'), null);
  assert.equal(parseSharedSubscription('$SHARE/g/a'), null);
});
