import { createServer } from 'node:http';
import type { RequestListener } from 'node:http';

/*
 * The plumbing the worker's two small HTTP servers share (worker/health-server.ts on
 * WORKER_HEALTH_PORT, worker/metrics-server.ts on WORKER_METRICS_PORT). They stay two ports: probes
 * carry no token, a metrics port may ask for one.
 */

/** An HTTP server listening until `close`. */
export interface HttpListener {
  /** The port listened on (the one given, or the one the system chose for port 0). */
  port: number;
  /** Stops listening and drops open connections (keep-alive ones too), then resolves. */
  close(): Promise<void>;
}

/** Listens on `host:port` with `handler`; rejects if the port cannot be had. */
export async function listenHttp(
  host: string,
  port: number,
  handler: RequestListener,
): Promise<HttpListener> {
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  return {
    port: address !== null && typeof address === 'object' ? address.port : port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
