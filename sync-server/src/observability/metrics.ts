import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { JOB_INDEX } from '../jobs/queries.js';
import type { JobState } from '../jobs/types.js';
import type { DocStore } from '../store/types.js';
import { routeOf } from './requests.js';

/**
 * Prometheus metrics of one server (R-OPS-05). A Registry per server, never prom-client's global
 * one: tests start many servers in one process, and each must report only its own figures.
 * What can be read when Prometheus asks (open sockets, queued jobs) is read then, in `collect`,
 * instead of being counted along the way; only events (requests, failures, streamed changes) are
 * counted as they happen.
 */
export interface MetricsSources {
  store: Pick<DocStore, 'find'>;
  /** Open WebSockets on this node right now. */
  sockets: () => { agent: number; visitor: number };
}

/** Jobs that are not finished business; `done` ones are history, not queue depth. */
const QUEUE_STATES: JobState[] = ['pending', 'running', 'dead'];
/** A scrape reads at most this many jobs per state; a backlog that deep is an incident whatever the exact figure. */
export const JOB_COUNT_CAP = 10_000;

export class ServerMetrics {
  readonly registry = new Registry();
  private readonly requestDuration: Histogram<'method' | 'route' | 'status'>;
  private readonly jobFailures: Counter<'kind' | 'outcome'>;
  private readonly replicationLag: Histogram;
  private defaultsOn = false;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    this.requestDuration = new Histogram({
      name: 'atende_http_request_duration_seconds',
      help: 'Time from a request\'s arrival to its answer, by method, route pattern (never a raw URL) and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    new Gauge({
      name: 'atende_websocket_connections',
      help: 'WebSockets open on this node: agents\' (/ws) and website visitors\' (/ws/webchat).',
      labelNames: ['kind'],
      registers,
      collect() {
        const open = sources.sockets();
        this.set({ kind: 'agent' }, open.agent);
        this.set({ kind: 'visitor' }, open.visitor);
      },
    });
    const store = sources.store;
    new Gauge({
      name: 'atende_job_queue_depth',
      help: `Outbox jobs in the store by state, all nodes; "pending" includes scheduled recurring jobs not yet due (the next poll round); counted up to ${JOB_COUNT_CAP} per state.`,
      labelNames: ['state'],
      registers,
      async collect() {
        for (const state of QUEUE_STATES) {
          // The runners' own index (type, state, runAt), and ids only: dead jobs pile up with their
          // payloads, and a scrape every 15 s must not carry thousands of them over the wire.
          const jobs = await store
            .find({ selector: { type: 'job', state, runAt: { $gte: 0 } }, limit: JOB_COUNT_CAP, useIndex: JOB_INDEX, fields: ['_id'] })
            .catch(() => undefined);
          // An unreadable store leaves the series out rather than failing the whole scrape; /api/ready says why.
          if (jobs) this.set({ state }, jobs.length);
          else this.remove({ state });
        }
      },
    });
    this.jobFailures = new Counter({
      name: 'atende_job_failures_total',
      help: 'Failed job attempts on this node by kind; outcome "retry" (tried again later) or "dead" (given up, dead letter).',
      labelNames: ['kind', 'outcome'],
      registers,
    });
    this.replicationLag = new Histogram({
      name: 'atende_replication_lag_seconds',
      help: 'Age of a change when the live stream hands it to agents\' sockets: now minus the server stamp (changedAt) of its commit. Catch-up pulls are not counted (they serve old documents on purpose).',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
  }

  /** Times every request by its route pattern; mounted first, so the time includes everything. */
  readonly timeRequests: RequestHandler = (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.requestDuration.observe({ method: req.method, route: routeOf(req, res.statusCode), status: String(res.statusCode) }, seconds);
    });
    next();
  };

  /**
   * A job kind the runner serves: its failure series start at 0, so a fresh /metrics already lists
   * them (an alert on `increase(...)` needs the series before the first failure, not after).
   */
  jobKind(kind: string): void {
    for (const outcome of ['retry', 'dead']) this.jobFailures.inc({ kind, outcome }, 0);
  }

  jobFailed(kind: string, dead: boolean): void {
    this.jobFailures.inc({ kind, outcome: dead ? 'dead' : 'retry' });
  }

  /** A change went out on the stream `ageMs` after its commit (negative when nodes' clocks differ: counted as 0). */
  changeStreamed(ageMs: number): void {
    this.replicationLag.observe(Math.max(0, ageMs) / 1000);
  }

  /**
   * The Prometheus text. Process metrics (CPU, memory, event-loop lag, GC) join at the first
   * scrape: each server in a test process would otherwise add its own GC observer for nothing.
   */
  async text(): Promise<string> {
    if (!this.defaultsOn) {
      this.defaultsOn = true;
      collectDefaultMetrics({ register: this.registry });
    }
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
