// Broker URL parsing: the scheme table, default ports and the ws path.
import { UsageError } from '../common/exit-codes.ts';

export type Scheme = 'mqtt' | 'mqtts' | 'ws' | 'wss';

/** URL scheme (without ':') -> the canonical scheme (= which connector). */
export const SCHEME_ALIASES: Readonly<Record<string, Scheme>> = {
  mqtt: 'mqtt',
  tcp: 'mqtt',
  mqtts: 'mqtts',
  ssl: 'mqtts',
  tls: 'mqtts',
  ws: 'ws',
  wss: 'wss',
};

const DEFAULT_PORTS: Readonly<Record<Scheme, number>> = { mqtt: 1883, mqtts: 8883, ws: 80, wss: 443 };

const DEFAULT_WS_PATH = '/mqtt';

export interface Endpoint {
  scheme: Scheme;
  host: string;
  port: number;
  /** ws/wss only: path + query, `/mqtt` when the URL has none. */
  path: string;
  /** The URL as the user should see it in messages. */
  display: string;
}

function canonicalScheme(url: URL): Scheme | undefined {
  return SCHEME_ALIASES[url.protocol.replace(/:$/, '').toLowerCase()];
}

/** Parses a broker URL given on the command line; throws UsageError naming the flag. */
export function parseBrokerUrl(text: string, flag = '--broker'): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(
      `${flag}: '${text}' is not a URL (expected e.g. mqtt://127.0.0.1:1883, mqtts://, ws://host:8080/mqtt, wss://)`,
    );
  }
  if (!canonicalScheme(url)) {
    throw new UsageError(
      `${flag}: unsupported scheme '${url.protocol}' in '${text}' (use ${Object.keys(SCHEME_ALIASES)
        .map((s) => `${s}://`)
        .join(', ')})`,
    );
  }
  if (!url.hostname) throw new UsageError(`${flag}: '${text}' has no host`);
  if (url.port !== '' && (Number(url.port) < 1 || Number(url.port) > 65535)) {
    throw new UsageError(`${flag}: port out of range in '${text}'`);
  }
  return url;
}

/** True when the text of a URL spells a path (`ws://h:1/` does, `ws://h:1` does not). */
function hasExplicitPath(text: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*\//i.test(text);
}

/**
 * Resolves a URL to the endpoint to dial. Returns undefined when the scheme is unknown.
 * `text` (the URL as typed) tells an explicit `/` path from none; without a path ws uses `/mqtt`.
 */
export function toEndpoint(url: URL, text?: string): Endpoint | undefined {
  const scheme = canonicalScheme(url);
  if (!scheme) return undefined;
  let host = url.hostname;
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  const port = url.port === '' ? DEFAULT_PORTS[scheme] : Number(url.port);
  const noPath =
    url.pathname === '' || (url.pathname === '/' && !(text !== undefined && hasExplicitPath(text)));
  const pathname = noPath ? DEFAULT_WS_PATH : url.pathname;
  return { scheme, host, port, path: `${pathname}${url.search}`, display: url.href };
}
