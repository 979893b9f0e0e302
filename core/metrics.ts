import { timingSafeEqual } from 'node:crypto';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/*
 * Prometheus metrics (prom-client), one registry per process kind: the worker's (`workerRegistry`,
 * served on WORKER_METRICS_PORT) and the API's (`apiRegistry`, served at the API's /metrics).
 * The names are agreed across the project (and the alert rules in ops/prometheus/alerts.yml rely on
 * them): change one only with its rule, dashboard panel and README line.
 *
 * Labels carry relay names, failure classes, route patterns and incident ids — never an address, a
 * name or a URL with a token in it (issue 21: personal data never reaches metrics or logs).
 *
 * Counting is done where the fact is recorded (a notice recorded sent, a letter recorded produced),
 * so a counter moves exactly when the database says so. Counters are per process and start at 0 on
 * each start; Prometheus's rate() and increase() handle the reset.
 */

/** The worker process's registry: delivery counters, relay and forecast gauges, process metrics. */
export const workerRegistry = new Registry();
/** The API process's registry: requests, approvals, obligations, audit chain, process metrics. */
export const apiRegistry = new Registry();
const both = [workerRegistry, apiRegistry];

/** The relay label when there is one relay (SMTP_URL), until the relay set names its relays. */
export const DEFAULT_RELAY = 'default';

/** Why a notice failed: `permanent` (undeliverable, 5xx) or `temporary` (to be retried, 4xx, network). */
export type FailureClass = 'permanent' | 'temporary';

// ---------------------------------------------------------------------------------------------
// Worker: delivery

/** Notices recorded sent (accepted by the relay), by relay. */
export const noticesSent = new Counter({
  name: 'forthright_notices_sent_total',
  help: 'Notices recorded sent (accepted by the relay), by relay.',
  labelNames: ['relay'] as const,
  registers: [workerRegistry],
});

/** Notices recorded failed, by relay and class. */
export const noticesFailed = new Counter({
  name: 'forthright_notices_failed_total',
  help: 'Notices recorded failed: permanent (undeliverable) or temporary (to be retried), by relay.',
  labelNames: ['relay', 'class'] as const,
  registers: [workerRegistry],
});

/**
 * Bounce reports recorded, by class. Registered in both registries: reports arrive at the API's
 * bounce listener, and a process that counts none shows only the metric's description.
 */
export const noticesBounced = new Counter({
  name: 'forthright_notices_bounced_total',
  help: 'Bounce reports recorded against sent notices, by class.',
  labelNames: ['class'] as const,
  registers: both,
});

/** Printed letters recorded produced. */
export const lettersProduced = new Counter({
  name: 'forthright_letters_produced_total',
  help: 'Printed letters recorded produced (PDF written and listed in a manifest).',
  registers: [workerRegistry],
});

/** 1 while a relay takes messages, 0 while it is taken out (refusing, unreachable). */
export const relayUp = new Gauge({
  name: 'forthright_relay_up',
  help: '1 while the relay takes messages, 0 while it is out of rotation (refusing or unreachable).',
  labelNames: ['relay'] as const,
  registers: [workerRegistry],
});

/**
 * Seconds between the forecast of an incident's last notice and its earliest pending deadline for
 * notifying individuals: negative when the forecast is past the deadline. Removed when the incident's
 * delivery finishes (`clearForecastSlack`), so the series does not outlive it.
 */
export const forecastSlack = new Gauge({
  name: 'forthright_delivery_forecast_slack_seconds',
  help: 'Deadline minus forecast of the last notice, per delivering incident (negative: late).',
  labelNames: ['incident'] as const,
  registers: [workerRegistry],
  // A series this process stopped updating (another worker took the incident's shards, or the
  // delivery waits for a retry pass) is dropped rather than left to raise an alert on an old value.
  collect() {
    const now = Date.now();
    for (const [incident, at] of slackUpdatedAt) {
      if (now - at <= SLACK_STALE_MS) continue;
      slackUpdatedAt.delete(incident);
      this.remove({ incident });
    }
  },
});
/** When each incident's slack was last set, for dropping stale series (see `collect` above). */
const slackUpdatedAt = new Map<string, number>();
/** A slack not updated for this long is dropped: delivery passes re-check it every minute or so. */
const SLACK_STALE_MS = 10 * 60_000;

// ---------------------------------------------------------------------------------------------
// API

/** Requests answered, by route pattern (never the URL), method and status code. */
export const httpRequests = new Counter({
  name: 'forthright_http_requests_total',
  help: 'HTTP requests answered, by route pattern, method and status code.',
  labelNames: ['route', 'method', 'status'] as const,
  registers: [apiRegistry],
});

/** Time to answer, by route pattern. */
export const httpRequestDuration = new Histogram({
  name: 'forthright_http_request_duration_seconds',
  help: 'Time to answer an HTTP request, by route pattern.',
  labelNames: ['route'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [apiRegistry],
});

/** Decisions waiting for compliance (notices, amendments, follow-ups, packets, determinations). */
export const approvalsWaiting = new Gauge({
  name: 'forthright_approvals_waiting',
  help: 'Items waiting for an approval decision.',
  registers: [apiRegistry],
});

/** Age of the oldest item waiting for a decision; 0 when none waits. */
export const approvalOldestAge = new Gauge({
  name: 'forthright_approval_oldest_age_seconds',
  help: 'Age of the oldest item waiting for an approval decision (0 when none waits).',
  registers: [apiRegistry],
});

/** Open obligations at risk (deadline near) and overdue (deadline passed). */
export const obligationsGauge = new Gauge({
  name: 'forthright_obligations',
  help: 'Open obligations at risk (deadline near, not met) and overdue (deadline passed, not met).',
  labelNames: ['state'] as const,
  registers: [apiRegistry],
});

/** 1 when the audit chain verified at its last check, 0 when it did not. */
export const auditChainVerified = new Gauge({
  name: 'forthright_audit_chain_verified',
  help: '1 when the audit chain verified at its last (periodic, cached) check, 0 when it did not.',
  registers: [apiRegistry],
});

/** Always 1; the version is the label. */
export const buildInfo = new Gauge({
  name: 'forthright_build_info',
  help: 'Always 1; the running version is the label.',
  labelNames: ['version'] as const,
  registers: both,
});

// ---------------------------------------------------------------------------------------------
// Helpers (what the rest of the code calls)

/** Counts notices recorded sent through `relay`. */
export function countSent(count: number, relay: string = DEFAULT_RELAY): void {
  if (count > 0) noticesSent.inc({ relay }, count);
}

/** Counts notices recorded failed through `relay`. */
export function countFailed(count: number, failureClass: FailureClass, relay: string = DEFAULT_RELAY): void {
  if (count > 0) noticesFailed.inc({ relay, class: failureClass }, count);
}

/** Counts bounce reports recorded, by class (e.g. `permanent`, `temporary`, `complaint`). */
export function countBounced(count: number, bounceClass: string): void {
  if (count > 0) noticesBounced.inc({ class: bounceClass }, count);
}

/** Counts letters recorded produced. */
export function countLetters(count: number): void {
  if (count > 0) lettersProduced.inc(count);
}

/** Marks a relay in rotation (true) or out of it (false). */
export function setRelayUp(relay: string, up: boolean): void {
  relayUp.set({ relay }, up ? 1 : 0);
}

/** Records an incident's forecast slack in seconds (deadline minus forecast; negative when late). */
export function setForecastSlack(incidentId: string, seconds: number): void {
  forecastSlack.set({ incident: incidentId }, Math.round(seconds));
  slackUpdatedAt.set(incidentId, Date.now());
}

/** Drops an incident's forecast slack series (its delivery finished, or it has no deadline left). */
export function clearForecastSlack(incidentId: string): void {
  forecastSlack.remove({ incident: incidentId });
  slackUpdatedAt.delete(incidentId);
}

/** Records one answered request; `route` is the route pattern (`/api/incidents/:id`), never the URL. */
export function observeRequest(route: string, method: string, status: number, seconds: number): void {
  httpRequests.inc({ route, method, status: String(status) });
  httpRequestDuration.observe({ route }, seconds);
}

/** Sets the build-info series for this process's version. */
export function setBuildInfo(version: string): void {
  buildInfo.reset();
  buildInfo.set({ version }, 1);
}

let defaultsFor: Set<Registry> | undefined;
/**
 * Adds Node's process metrics (CPU, resident memory, event-loop lag, heap, GC) to a registry, once
 * per registry (a second call would register the same names twice).
 */
export function collectProcessMetrics(registry: Registry): void {
  defaultsFor ??= new Set();
  if (defaultsFor.has(registry)) return;
  defaultsFor.add(registry);
  collectDefaultMetrics({ register: registry });
  // Gauges named like counters (prom-client's), which `promtool check metrics` rightly rejects;
  // nodejs_active_handles and nodejs_active_resources (by type) say the same without the suffix.
  for (const name of [
    'nodejs_active_handles_total',
    'nodejs_active_requests_total',
    'nodejs_active_resources_total',
  ])
    registry.removeSingleMetric(name);
}

/** The registry's text exposition and its content type (for a /metrics response). */
export async function exposition(registry: Registry): Promise<{ contentType: string; body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}

/**
 * Whether `Authorization: Bearer <token>` carries METRICS_TOKEN (constant-time). The token is no
 * staff member's: it only reads /metrics, on the API and on each worker.
 */
export function bearerMatches(header: string | undefined, token: string): boolean {
  if (!header?.startsWith('Bearer ')) return false;
  const given = Buffer.from(header.slice(7).trim());
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
