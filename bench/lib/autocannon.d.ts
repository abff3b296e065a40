/** The part of autocannon 9's API that the benchmarks use (the package ships no types). */
declare module 'autocannon' {
  namespace autocannon {
    interface Request {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string;
    }
    interface Options {
      url: string;
      connections?: number;
      duration?: number;
      /** Stop after this many requests instead of after `duration`. */
      amount?: number;
      method?: string;
      headers?: Record<string, string>;
      requests?: { setupRequest?: (req: Request) => Request }[];
    }
    interface Result {
      requests: { total: number; average: number };
      latency: { p50: number; p99: number; average: number };
      non2xx: number;
      errors: number;
      /** Seconds the run took. */
      duration: number;
      '2xx': number;
    }
  }
  function autocannon(options: autocannon.Options): Promise<autocannon.Result>;
  namespace autocannon {
    /** Aggregates raw results (what autocannon returns off the main thread) into the usual shape. */
    function aggregateResult(results: unknown[], options?: Omit<Options, 'requests'>): Result;
  }
  export default autocannon;
}
