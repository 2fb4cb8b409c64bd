// Test helpers: profiles from inline YAML, and the peers policy (skip locally, fail under CI when missing).
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { startBroker } from '../../reference-broker/src/index.ts';
import type { LoadProfile } from '../scenario/load-profile/model.ts';
import { loadProfileText } from '../scenario/load-profile/yaml.ts';
import { mosquittoAvailable, startMosquitto } from './peers.ts';

export function profileFrom(text: string): LoadProfile {
  const { profile, problems } = loadProfileText(text, 'inline.yaml');
  assert.deepEqual(problems, []);
  assert.ok(profile);
  return profile;
}

/** True when mosquitto can be used; skips the test otherwise (throws under CI=true, naming the apt package). */
export function needMosquitto(t: TestContext): boolean {
  if (mosquittoAvailable()) return true;
  t.skip("mosquitto not installed (apt package 'mosquitto')");
  return false;
}

/**
 * Registers `check(port)` as two tests: against a private mosquitto (skipped locally when missing, an error
 * under CI) and against an in-process reference broker.
 */
export function againstBothBrokers(check: (port: number) => Promise<void>): void {
  test('mosquitto', async (t) => {
    if (!needMosquitto(t)) return;
    const m = await startMosquitto();
    try {
      await check(m.port);
    } finally {
      await m.stop();
    }
  });
  test('reference broker', async () => {
    const b = await startBroker({ listeners: [{ kind: 'tcp', host: '127.0.0.1', port: 0 }] } as never, {
      log: () => {},
    });
    try {
      await check(b.listeners[0]!.port);
    } finally {
      await b.close();
    }
  });
}
