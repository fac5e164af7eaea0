/** Helpers shared by every service to read a request and build a wire response. */

// Usual reason phrases. A status without one here gets an empty one, as PostgREST's HTTP
// library (http-types) gives the statuses it has no name for.
export const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  203: 'Non-Authoritative Information',
  204: 'No Content',
  205: 'Reset Content',
  206: 'Partial Content',
  300: 'Multiple Choices',
  301: 'Moved Permanently',
  302: 'Found',
  303: 'See Other',
  304: 'Not Modified',
  305: 'Use Proxy',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  407: 'Proxy Authentication Required',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  411: 'Length Required',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  414: 'Request-URI Too Long',
  415: 'Unsupported Media Type',
  416: 'Requested Range Not Satisfiable',
  417: 'Expectation Failed',
  418: "I'm a teapot",
  422: 'Unprocessable Entity',
  426: 'Upgrade Required',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  505: 'HTTP Version Not Supported',
  511: 'Network Authentication Required',
}

/** A request as the services see it: parsed URL, lower-cased headers, text body. */
export interface ServiceRequest {
  requestId: number
  method: string
  url: URL
  headers: Record<string, string>
  body: string | null
}

/** Builds a Response with the status text supabase-js reports as `statusText`. */
export function createResponse(
  status: number,
  body: string | null,
  headers: Record<string, string> = {},
  statusText?: string,
): Response {
  // The Fetch API forbids a body on these statuses.
  const hasNoBody = status === 204 || status === 304
  const response = new Response(hasNoBody ? null : body, {
    status,
    statusText: readReasonPhrase(status, statusText),
    headers: toWireHeaders(headers),
  })
  responseTexts.set(response, hasNoBody ? '' : (body ?? ''))
  return response
}

/**
 * Adds one header line to `headers` the way fetch reads several: names are case-insensitive
 * and the values of lines with one name are joined with ", ". `headers` must be
 * prototype-free (`Object.create(null)`), so that a header named `constructor` is just a name.
 */
export function appendHeaderLine(headers: Record<string, string>, name: string, value: string) {
  const key = name.toLowerCase()
  headers[key] = Object.hasOwn(headers, key) ? `${headers[key]}, ${value}` : value
}

/** Can a response carry this header: a token for a name, a value without line breaks? */
export function isHeaderField(name: string, value: string): boolean {
  return /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) && !/[\r\n\0]/.test(value)
}

// A reason phrase a function chose must be one HTTP can carry (Latin-1, no line breaks),
// or fetch refuses to build the response; otherwise the status's usual one is used.
function readReasonPhrase(status: number, chosen: string | undefined): string {
  const isCarried = chosen !== undefined && /^[\t\x20-\x7e\x80-\xff]*$/.test(chosen)
  return isCarried ? chosen : (STATUS_TEXT[status] ?? '')
}

// Header text as a server puts it on the wire, which fetch can always carry: line breaks
// become spaces (as Go's server writes them), a Location has its non-ASCII characters
// percent-encoded (as Go's http.Redirect does for GoTrue) and any other value beyond Latin-1
// arrives as its UTF-8 bytes. Values within Latin-1 may already be bytes and pass as given.
function toWireHeaders(headers: Record<string, string>): Record<string, string> {
  // Prototype-free, so that a header named `__proto__` is just a name.
  const wire: Record<string, string> = Object.create(null)
  for (const [name, value] of Object.entries(headers)) {
    const line = value.replace(/[\r\n]/g, ' ').replace(/\0/g, '')
    if (name.toLowerCase() === 'location') {
      wire[name] = line.replace(/[^\x00-\x7f]+/g, (run) =>
        Array.from(
          new TextEncoder().encode(run),
          (byte) => `%${byte.toString(16).toUpperCase()}`,
        ).join(''),
      )
    } else {
      wire[name] = /[^\x00-\xff]/.test(line) ? toHeaderBytes(line) : line
    }
  }
  return wire
}

// The text each response was built from, so the trace can show it without cloning the
// response and reading it a second time.
const responseTexts = new WeakMap<Response, string>()

/** The body of a response as text, without consuming it. */
export async function readResponseText(response: Response): Promise<string> {
  return responseTexts.get(response) ?? (await response.clone().text())
}

/** The content type of every JSON body the services answer with. */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8'

/** A JSON response with the given status. */
export function jsonResponse(
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
  statusText?: string,
): Response {
  const allHeaders = { 'content-type': JSON_CONTENT_TYPE, ...headers }
  return createResponse(status, JSON.stringify(value), allHeaders, statusText)
}

/**
 * A header value as fetch hands it over from the wire: PostgREST writes text UTF-8 encoded,
 * and fetch reads each byte as one character.
 */
export function toHeaderBytes(text: string): string {
  return Array.from(new TextEncoder().encode(text), (byte) => String.fromCharCode(byte)).join('')
}

/** Reads the bearer token from `Authorization`, if any. */
export function readBearerToken(headers: Record<string, string>): string | null {
  const match = /^bearer\s+(.+)$/i.exec(headers['authorization'] ?? '')
  return match ? match[1].trim() : null
}
