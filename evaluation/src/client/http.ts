import { ApiError } from './errors';

export interface HttpResponse {
  status: number;
  body: unknown;
}

/** JSON request with a timeout; non-2xx becomes an ApiError carrying the server's message. */
export async function requestJson(
  method: 'GET' | 'POST',
  url: string,
  body: unknown,
  timeoutMs: number,
  headers: Record<string, string> = {},
): Promise<HttpResponse> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw new ApiError(`${method} ${url}: ${(err as Error).message}`, 0, undefined);
  }
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text.length ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: keep the raw text for the error message.
  }
  if (res.status < 200 || res.status >= 300) {
    throw new ApiError(`${method} ${url}: HTTP ${res.status}: ${messageOf(parsed)}`, res.status, parsed);
  }
  return { status: res.status, body: parsed };
}

function messageOf(body: unknown): string {
  if (body && typeof body === 'object') {
    const rec = body as Record<string, unknown>;
    const m = rec['message'] ?? rec['detail'] ?? rec['error'];
    if (typeof m === 'string') return m;
    if (m !== undefined) return JSON.stringify(m).slice(0, 500);
  }
  return typeof body === 'string' ? body.slice(0, 500) : JSON.stringify(body ?? '').slice(0, 500);
}
