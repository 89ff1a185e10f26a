// Request counters, byte totals and a duration histogram, rendered in the Prometheus text format for /metrics.

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export interface RequestSample {
  method: string;
  route: string;
  status: number;
  bytesIn: number;
  bytesOut: number;
  seconds: number;
}

export class Metrics {
  private readonly requests = new Map<string, number>();
  private readonly durations = new Map<string, { buckets: number[]; sum: number; count: number }>();
  private bytesIn = 0;
  private bytesOut = 0;
  inFlight = 0;

  record(sample: RequestSample): void {
    const key = `method="${sample.method}",route="${sample.route}",code="${sample.status}"`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    const routeKey = `route="${sample.route}"`;
    let histogram = this.durations.get(routeKey);
    if (!histogram) this.durations.set(routeKey, (histogram = { buckets: BUCKETS.map(() => 0), sum: 0, count: 0 }));
    for (let i = 0; i < BUCKETS.length; i++) if (sample.seconds <= BUCKETS[i]) histogram.buckets[i]++;
    histogram.sum += sample.seconds;
    histogram.count++;
    this.bytesIn += sample.bytesIn;
    this.bytesOut += sample.bytesOut;
  }

  render(): string {
    const memory = process.memoryUsage();
    const lines = [
      '# HELP registry_http_requests_total Requests served, by method, route and status code.',
      '# TYPE registry_http_requests_total counter',
      ...[...this.requests].map(([labels, count]) => `registry_http_requests_total{${labels}} ${count}`),
      '# HELP registry_http_request_duration_seconds Time to serve a request, by route.',
      '# TYPE registry_http_request_duration_seconds histogram',
      ...[...this.durations].flatMap(([labels, h]) => [
        ...BUCKETS.map((bound, i) => `registry_http_request_duration_seconds_bucket{${labels},le="${bound}"} ${h.buckets[i]}`),
        `registry_http_request_duration_seconds_bucket{${labels},le="+Inf"} ${h.count}`,
        `registry_http_request_duration_seconds_sum{${labels}} ${h.sum}`,
        `registry_http_request_duration_seconds_count{${labels}} ${h.count}`,
      ]),
      '# HELP registry_http_received_bytes_total Bytes received in requests.',
      '# TYPE registry_http_received_bytes_total counter',
      `registry_http_received_bytes_total ${this.bytesIn}`,
      '# HELP registry_http_sent_bytes_total Bytes sent in responses.',
      '# TYPE registry_http_sent_bytes_total counter',
      `registry_http_sent_bytes_total ${this.bytesOut}`,
      '# HELP registry_http_in_flight_requests Requests being served now.',
      '# TYPE registry_http_in_flight_requests gauge',
      `registry_http_in_flight_requests ${this.inFlight}`,
      '# HELP process_resident_memory_bytes Resident memory size in bytes.',
      '# TYPE process_resident_memory_bytes gauge',
      `process_resident_memory_bytes ${memory.rss}`,
      '# HELP nodejs_heap_used_bytes V8 heap in use.',
      '# TYPE nodejs_heap_used_bytes gauge',
      `nodejs_heap_used_bytes ${memory.heapUsed}`,
      '# HELP nodejs_external_memory_bytes Memory of buffers outside the V8 heap.',
      '# TYPE nodejs_external_memory_bytes gauge',
      `nodejs_external_memory_bytes ${memory.external}`,
    ];
    return `${lines.join('\n')}\n`;
  }
}

/** The route label: the kind of endpoint, never the repository name (which would grow the label set without bound). */
export function routeLabel(pathname: string): string {
  if (pathname === '/v2/' || pathname === '/v2') return 'base';
  if (pathname === '/v2/_catalog') return 'catalog';
  if (pathname === '/metrics') return 'metrics';
  const match = /\/(manifests|blobs\/uploads|blobs|tags|referrers)\//.exec(pathname);
  return match ? match[1].replace('/', '_') : 'other';
}
