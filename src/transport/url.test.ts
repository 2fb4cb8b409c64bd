import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UsageError } from '../common/exit-codes.ts';
import { CONNECTORS } from './index.ts';
import { parseBrokerUrl, SCHEME_ALIASES, toEndpoint } from './url.ts';

describe('broker URLs', () => {
  test('default ports per scheme', () => {
    assert.equal(toEndpoint(new URL('mqtt://h'))?.port, 1883);
    assert.equal(toEndpoint(new URL('tcp://h'))?.port, 1883);
    assert.equal(toEndpoint(new URL('mqtts://h'))?.port, 8883);
    assert.equal(toEndpoint(new URL('tls://h'))?.port, 8883);
    assert.equal(toEndpoint(new URL('ws://h'))?.port, 80);
    assert.equal(toEndpoint(new URL('wss://h'))?.port, 443);
    assert.equal(toEndpoint(new URL('mqtt://h:1999'))?.port, 1999);
  });

  test('ws path: /mqtt when none is given, kept otherwise', () => {
    assert.equal(toEndpoint(new URL('ws://h:8080'), 'ws://h:8080')?.path, '/mqtt');
    assert.equal(toEndpoint(new URL('ws://h:8080/'), 'ws://h:8080/')?.path, '/');
    assert.equal(toEndpoint(new URL('ws://h:8080/x/y?a=1'))?.path, '/x/y?a=1');
  });

  test('every alias has a connector', () => {
    for (const s of Object.values(SCHEME_ALIASES)) assert.equal(typeof CONNECTORS[s], 'function');
  });

  test('parseBrokerUrl names the flag', () => {
    assert.throws(
      () => parseBrokerUrl('nope', '--broker'),
      (e: unknown) => {
        assert.ok(e instanceof UsageError);
        assert.match(e.message, /^--broker: /);
        return true;
      },
    );
    assert.throws(() => parseBrokerUrl('http://h', '--ws-url'), /--ws-url: unsupported scheme 'http:'/);
    assert.throws(() => parseBrokerUrl('mqtt://h:70000'), /--broker/);
    assert.equal(parseBrokerUrl('mqtts://broker.example:8883').hostname, 'broker.example');
  });
});
