/**
 * The servers the benchmark runs against are the test suite's (PostgreSQL, MariaDB, Redis on
 * 127.0.0.1; SQLite in a temporary file), opened through its helpers: tables and keys carry a
 * prefix unique to this run and are dropped or deleted at the end — after a failure or an
 * interruption too, since the servers are shared.
 */
import { stopMeasuring } from "./measure.js";

/** A server opened by a test helper: closing it drops this run's tables or keys. */
export interface ClosableService {
  close(): Promise<void>;
}

/**
 * Opens a service and runs `use` with it, or with the reason it is unreachable; then cleans up
 * and disconnects, whatever `use` did.
 *
 * @param open - a test helper's opener: the service, or why it is unreachable
 */
export async function withService<Service extends ClosableService, T>(
  open: () => Promise<Service | string>,
  use: (service: Service | string) => Promise<T>,
): Promise<T> {
  const service = await open();
  if (typeof service === "string") return use(service);
  // Ctrl-C or a kill would otherwise leave this run's tables or keys behind: stop the batches
  // instead, so that the run fails and cleans up below (a second signal kills at once).
  const interrupted = (signal: NodeJS.Signals): void => stopMeasuring(new Error(`interrupted by ${signal}; cleaning up this run's tables and keys`));
  process.once("SIGINT", interrupted).once("SIGTERM", interrupted);
  try {
    return await use(service);
  } finally {
    process.off("SIGINT", interrupted).off("SIGTERM", interrupted);
    await service.close();
  }
}

/** Wraps an object so that `counts` records how often each of its methods is called. */
export function countCalls<T extends object>(target: T, counts: Map<string, number>): T {
  return new Proxy(target, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property, object);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        counts.set(String(property), (counts.get(String(property)) ?? 0) + 1);
        return (value as (...args: unknown[]) => unknown).apply(object, args);
      };
    },
  });
}
