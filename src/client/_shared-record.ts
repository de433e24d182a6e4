/**
 * Which tokens are current across the tabs of one origin, in IndexedDB. A BroadcastChannel
 * message can arrive after the lock it was sent under is released; an IndexedDB write committed
 * before the release cannot, so a tab that takes the lock reads here who refreshed before it.
 * Holds a fingerprint of the current access token, never a token. Internal to `TokenClient`.
 *
 * @module
 */
import { RefreshFailedError } from "../errors.js";

const DATABASE = "tokenwise";
const STORE = "sessions";

/**
 * What the record says: the fingerprint of the current access token, `null` when the session
 * ended (refused refresh, logout), `undefined` when nothing was ever recorded.
 */
export type RecordedTokens = string | null | undefined;

/** One named record in the `tokenwise` database. */
export class SharedRecord {
  readonly #key: string;
  #database: Promise<IDBDatabase> | null = null;

  /** @param key - the `crossTab` name */
  constructor(key: string) {
    this.#key = key;
  }

  /** Reads the record. @throws {RefreshFailedError} `refresh_failed` (`cross_tab`) when IndexedDB fails */
  async read(): Promise<RecordedTokens> {
    const database = await this.#open();
    return failing(() => settled(database.transaction(STORE).objectStore(STORE).get(this.#key)) as Promise<RecordedTokens>);
  }

  /** Writes the record; resolves once the write is committed and visible to every tab. */
  async write(fingerprint: string | null): Promise<void> {
    const database = await this.#open();
    await failing(() => {
      const transaction = database.transaction(STORE, "readwrite");
      transaction.objectStore(STORE).put(fingerprint, this.#key);
      return new Promise<void>((resolve, reject) => {
        transaction.oncomplete = () => resolve();
        transaction.onerror = transaction.onabort = () => reject(transaction.error);
      });
    });
  }

  /** Closes the connection. */
  close(): void {
    void this.#database?.then((database) => database.close(), () => undefined);
    this.#database = null;
  }

  #open(): Promise<IDBDatabase> {
    this.#database ??= failing(async () => {
      const opening = indexedDB.open(DATABASE, 1);
      opening.onupgradeneeded = () => opening.result.createObjectStore(STORE);
      const database = await settled(opening);
      // Site data cleared, or a newer page wants to upgrade: let go, and open again next time.
      database.onclose = database.onversionchange = () => {
        database.close();
        this.#database = null;
      };
      return database;
    }).catch((error: unknown) => {
      this.#database = null;
      throw error;
    });
    return this.#database;
  }
}

function settled<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function failing<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (cause) {
    throw new RefreshFailedError("cross_tab", "IndexedDB failed", { cause });
  }
}
