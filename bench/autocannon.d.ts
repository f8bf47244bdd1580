// The parts of autocannon's programmatic API the benchmark uses (the package ships no types).
declare module 'autocannon' {
  namespace autocannon {
    interface Request {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string | Buffer;
      setupRequest?: (req: Request) => Request;
    }
    interface Options {
      url: string;
      connections?: number;
      duration?: number;
      amount?: number;
      overallRate?: number;
      requests?: Request[];
    }
    interface Histogram {
      average: number;
      mean: number;
      p50: number;
      p90: number;
      p99: number;
      max: number;
      total: number;
    }
    interface Result {
      requests: Histogram;
      latency: Histogram;
      non2xx: number;
      errors: number;
      timeouts: number;
      duration: number;
    }
  }
  /** A run: a promise of its result (settled only at autocannon's next 1-second tick) that also emits each response. */
  interface Run extends Promise<autocannon.Result> {
    on(event: 'response', listener: () => void): Run;
  }
  function autocannon(options: autocannon.Options): Run;
  export default autocannon;
}
