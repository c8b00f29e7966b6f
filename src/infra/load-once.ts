/** Something loaded at its first use; `started` is that load, or undefined while none is under way or done. */
export interface LoadedOnce<T> {
  (): Promise<T>;
  readonly started: Promise<T> | undefined;
}

/**
 * Loads something the first time it is needed, once for all callers. A load that failed (a
 * package missing while an upgrade replaces node_modules) is tried again at the next call
 * instead of failing for the life of the process.
 */
export function loadOnce<T>(load: () => Promise<T>): LoadedOnce<T> {
  let loaded: Promise<T> | undefined;
  const get = () =>
    (loaded ??= load().catch((err: unknown) => {
      loaded = undefined;
      throw err;
    }));
  return Object.defineProperty(get, 'started', { get: () => loaded }) as LoadedOnce<T>;
}
