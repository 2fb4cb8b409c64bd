// A lean client's session after CONNACK: with the session resumed, what is unacknowledged is sent
// again; without it, the client's session state is discarded [MQTT-3.2.2-5 / 3.1.1 MQTT-4.1.0-1].
import type { ClientHost } from './client-host.ts';
import type { Outbound } from './outbound.ts';

interface Resumable {
  readonly host: ClientHost;
  readonly group: { readonly clean: boolean };
  readonly wasReady: boolean;
  readonly inflight: Outbound | undefined;
  write(b: Buffer): void;
}

/** Returns true when the broker kept the session (then in-flight messages were re-sent). */
export function resumeSession(c: Resumable, sessionPresent: boolean): boolean {
  const stats = c.host.stats;
  if (!sessionPresent || c.group.clean) {
    const n = c.inflight?.clear() ?? 0;
    if (n > 0) stats.count('inflight.abandoned', n);
    if (c.wasReady && !c.group.clean) stats.count('session.lost');
    return false;
  }
  const r = c.inflight?.resend();
  if (r && r.bytes.length > 0) {
    c.write(r.bytes);
    if (r.publishes > 0) stats.count('resent.publish', r.publishes);
    if (r.pubrels > 0) stats.count('resent.pubrel', r.pubrels);
  }
  return true;
}
