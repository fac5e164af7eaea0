/** Helpers shared by every service to read a request and build a wire response. */

export const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  206: 'Partial Content',
  300: 'Multiple Choices',
  303: 'See Other',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  415: 'Unsupported Media Type',
  416: 'Requested Range Not Satisfiable',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
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
): Response {
  // The Fetch API forbids a body on these statuses.
  const hasNoBody = status === 204 || status === 304
  const response = new Response(hasNoBody ? null : body, {
    status,
    statusText: STATUS_TEXT[status] ?? '',
    headers,
  })
  responseTexts.set(response, hasNoBody ? '' : (body ?? ''))
  return response
}

// The text each response was built from, so the trace can show it without cloning the
// response and reading it a second time.
const responseTexts = new WeakMap<Response, string>()

/** The body of a response as text, without consuming it. */
export async function readResponseText(response: Response): Promise<string> {
  return responseTexts.get(response) ?? (await response.clone().text())
}

/** A JSON response with the given status. */
export function jsonResponse(
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): Response {
  return createResponse(status, JSON.stringify(value), {
    'content-type': 'application/json; charset=utf-8',
    ...headers,
  })
}

/** Reads the bearer token from `Authorization`, if any. */
export function readBearerToken(headers: Record<string, string>): string | null {
  const match = /^bearer\s+(.+)$/i.exec(headers['authorization'] ?? '')
  return match ? match[1].trim() : null
}
