import type { FetchFunction } from '@slack/web-api';

/**
 * A `fetch` for `WebClientOptions.fetch` that reports each failed Web API call to
 * `onError(method, error)`: Slack's own error code for an `ok: false` answer, `ratelimited`
 * for a 429, `http_<status>` for another non-2xx, `timeout` or `network` when no answer came.
 * Passed in the client options, it covers every client built from them, Bolt's own included,
 * without wrapping any call site. The answer is read from a clone; the caller's copy is untouched.
 */
export function observedSlackFetch(onError: (method: string, error: string) => void): FetchFunction {
  return async (url, init) => {
    const method = new URL(url).pathname.split('/').pop() ?? '';
    let response: Response;
    try {
      response = await fetch(url, init);
    } catch (error) {
      onError(method, (error as Error).name === 'AbortError' || (error as Error).name === 'TimeoutError' ? 'timeout' : 'network');
      throw error;
    }
    if (response.status === 429) onError(method, 'ratelimited');
    else if (!response.ok) onError(method, `http_${response.status}`);
    else if (response.headers.get('content-type')?.includes('json')) {
      response
        .clone()
        .json()
        .then((body: unknown) => {
          const answer = body as { ok?: unknown; error?: unknown };
          if (answer.ok === false) onError(method, typeof answer.error === 'string' ? answer.error : 'other');
        })
        .catch(() => {});
    }
    return response;
  };
}
