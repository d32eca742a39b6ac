/** How a promise stood after a wait: settled one way or the other, or still pending. */
export type Settled<T> = { done: true; ok: true; value: T } | { done: true; ok: false; error: unknown } | { done: false };

/**
 * Waits at most `ms` for `promise` and says how it stood, without ever throwing. The
 * promise keeps running when the wait ends first; its later rejection is not unhandled.
 */
export async function within<T>(promise: Promise<T>, ms: number): Promise<Settled<T>> {
  let timer: NodeJS.Timeout | undefined;
  const outcome = promise.then(
    (value): Settled<T> => ({ done: true, ok: true, value }),
    (error: unknown): Settled<T> => ({ done: true, ok: false, error }),
  );
  const timeout = new Promise<Settled<T>>((resolve) => {
    timer = setTimeout(() => resolve({ done: false }), ms);
  });
  try {
    return await Promise.race([outcome, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
