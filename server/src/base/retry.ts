// Retries for remote backends: transient failures (connection resets, 5xx, 429) are tried again with exponential
// backoff until a time budget is spent; the operation's AbortSignal stops the waiting at once.
import { abortReason, throwIfAborted } from './abort';
import { LockstepError } from './errors';
import { Clock, systemClock } from './clock';

export interface RetryPolicy {
  /** How long to keep trying a call that fails transiently, from its first attempt. */
  budgetMs: number;
  firstDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { budgetMs: 60_000, firstDelayMs: 250, maxDelayMs: 8_000 };

/** `LOCKSTEP_BACKEND_RETRY_MS` sets the budget (0: no retries). */
export function retryPolicyFromEnv(env: NodeJS.ProcessEnv): RetryPolicy {
  const raw = env.LOCKSTEP_BACKEND_RETRY_MS;
  if (raw === undefined || raw === '') return DEFAULT_RETRY;
  const budgetMs = Number(raw);
  if (!Number.isInteger(budgetMs) || budgetMs < 0) throw new LockstepError(`LOCKSTEP_BACKEND_RETRY_MS must be a number of milliseconds, not "${raw}"`);
  return { ...DEFAULT_RETRY, budgetMs };
}

/**
 * Runs `attempt` until it succeeds, fails with an error `isTransient` rejects, or the budget is spent (then the
 * last error is thrown). `onRetry` hears about each failed attempt that will be tried again.
 */
export async function withRetries<T>(
  policy: RetryPolicy,
  isTransient: (err: unknown) => boolean,
  attempt: () => Promise<T>,
  signal?: AbortSignal,
  onRetry?: (err: unknown, delayMs: number) => void,
  clock: Clock = systemClock,
): Promise<T> {
  const started = clock.now();
  let delay = policy.firstDelayMs;
  for (;;) {
    throwIfAborted(signal);
    try {
      return await attempt();
    } catch (err) {
      if (signal?.aborted) throw abortReason(signal);
      if (!isTransient(err) || clock.now() - started + delay > policy.budgetMs) throw err;
      onRetry?.(err, delay);
      await clock.sleep(delay, signal);
      delay = Math.min(delay * 2, policy.maxDelayMs);
    }
  }
}
