/**
 * Reads what a `fetch(input, init)` call asks for, as the gateway needs it: method, URL,
 * lower-cased headers and a text body. supabase-js calls fetch with a URL string and a
 * plain init, which is read directly; building a `Request` object per call (and an
 * AbortSignal with it) cost about as much as the SQL of a one-row lookup.
 */

export interface FetchRequest {
  method: string
  url: URL
  headers: Record<string, string>
  body: string | null
}

// The Fetch standard upper-cases only these methods; `patch` stays as written.
const NORMALISED_METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']
const FORBIDDEN_METHODS = ['CONNECT', 'TRACE', 'TRACK']
const METHOD_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/** Reads `input` and `init` the way `new Request(input, init)` would. */
export async function readFetchRequest(
  input: RequestInfo | URL,
  init: RequestInit | null = {},
): Promise<FetchRequest> {
  init ??= {}
  const isPlain =
    (typeof input === 'string' || input instanceof URL) &&
    (init.body === undefined || init.body === null || typeof init.body === 'string')
  if (!isPlain) return readRequestObject(new Request(input, init))

  const written = init.method ?? 'GET'
  if (!METHOD_TOKEN.test(written) || FORBIDDEN_METHODS.includes(written.toUpperCase())) {
    throw new TypeError(`'${written}' is not a valid HTTP method.`)
  }
  const method = NORMALISED_METHODS.includes(written.toUpperCase())
    ? written.toUpperCase()
    : written
  const body = method === 'GET' || method === 'HEAD' ? null : ((init.body as string) ?? null)
  if ((method === 'GET' || method === 'HEAD') && init.body != null) {
    // What `new Request` says about a body on a read, so callers meet the same error.
    throw new TypeError('Request with GET/HEAD method cannot have body.')
  }
  const url = new URL(String(input))
  if (url.username || url.password) {
    throw new TypeError('Request cannot be constructed from a URL that includes credentials')
  }
  return { method, url, headers: readHeaders(init.headers), body }
}

// A Headers object validates names and values and joins repeats, as `new Request` would;
// supabase-js passes one already.
function readHeaders(init: HeadersInit | undefined): Record<string, string> {
  const headers: Record<string, string> = {}
  const valid = init instanceof Headers ? init : new Headers(init)
  valid.forEach((value, name) => (headers[name] = value))
  return headers
}

async function readRequestObject(request: Request): Promise<FetchRequest> {
  const headers: Record<string, string> = {}
  request.headers.forEach((value, name) => (headers[name] = value))
  const isRead = request.method === 'GET' || request.method === 'HEAD'
  return {
    method: request.method,
    url: new URL(request.url),
    headers,
    body: isRead ? null : await request.text(),
  }
}
