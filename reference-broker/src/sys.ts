// $SYS tree of live statistics, published retained every sysIntervalSeconds (A16.3).
import type { Broker } from './broker.ts';
import { makeMessage } from './message.ts';

export function startSys(b: Broker): NodeJS.Timeout | undefined {
  const every = b.config.sysIntervalSeconds;
  if (every <= 0) return undefined;
  const publish = () => {
    const st = b.getStats();
    const values: Record<string, string | number> = {
      version: 'mqtt-crucible reference broker',
      uptime: `${st.uptimeSeconds} seconds`,
      'clients/connected': st.connections,
      'clients/total': st.sessions,
      'clients/disconnected': st.sessions - st.connections,
      'clients/pending': st.pendingConnections,
      'clients/closed-slow': st.slowClientsClosed,
      'sessions/count': st.sessions,
      'sessions/offline': st.offlineSessions,
      'messages/received': st.messagesReceived,
      'messages/sent': st.messagesSent,
      'messages/dropped': st.dropped,
      'messages/queued': st.queued,
      'messages/queued-bytes': st.queuedBytes,
      'messages/inflight': st.inflight,
      'bytes/received': st.bytesReceived,
      'bytes/sent': st.bytesSent,
      'subscriptions/count': st.subscriptions,
      'retained messages/count': st.retained,
      'retained messages/bytes': st.retainedBytes,
      'retained messages/refused': st.retainedRefused,
    };
    for (const [k, v] of Object.entries(values)) {
      b.publish(makeMessage(`$SYS/broker/${k}`, Buffer.from(String(v)), 0, true, undefined, -1, undefined));
    }
  };
  publish();
  const t = setInterval(publish, every * 1000);
  t.unref();
  return t;
}
