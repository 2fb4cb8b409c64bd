// Options shared by every connector.

export interface TlsOptions {
  /** CA certificate(s): a file path or PEM contents. */
  ca?: string | Buffer;
  /** Client certificate: a file path or PEM contents. */
  cert?: string | Buffer;
  /** Client private key: a file path or PEM contents. */
  key?: string | Buffer;
  /** Accept any server certificate (self-signed, wrong name). Explicit opt-in only. */
  insecure?: boolean;
  /** SNI / certificate name to check; defaults to the URL host when it is a name. */
  servername?: string;
}

export interface ConnectOptions {
  /** Deadline for the whole connect (TCP + TLS + WebSocket upgrade). */
  timeoutMs: number;
  /** Protocol level: picks the ws subprotocol (`mqttv3.1` for 3, else `mqtt`). */
  version?: 3 | 4 | 5;
  tls?: TlsOptions;
  localAddress?: string;
  /** Dial this TCP address instead of the URL's (a fault proxy in front of the broker); the URL's host still
   *  names the server for TLS (SNI, certificate check) and the WebSocket Host header. */
  via?: { host: string; port: number };
}
