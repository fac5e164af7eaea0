/** Text helpers the panes share: which headers matter, shortened keys, pretty bodies and logs. */
import type { Logged, ProjectRestart, SerializedError } from '../../runner/index.ts'

/** Request headers a reader learns from, in the order they are shown. */
export const REQUEST_HEADERS = [
  'apikey',
  'authorization',
  'prefer',
  'range',
  'accept',
  'accept-profile',
  'content-profile',
  'content-type',
]

/** Response headers a reader learns from. */
export const RESPONSE_HEADERS = [
  'content-range',
  'content-type',
  'preference-applied',
  'location',
  'x-supabase-api-version',
]

// Response headers that tell a reader nothing about the call.
const UNTOLD_RESPONSE_HEADERS = new Set(['content-length', 'date', 'vary', 'connection'])

/**
 * The response headers a reader learns from: the usual ones in reading order, then any other
 * the service sent, such as those a function raised with sqlstate 'PGRST'.
 */
export function pickResponseHeaders(headers: Record<string, string>): [string, string][] {
  const others = Object.keys(headers)
    .map((name) => name.toLowerCase())
    .filter((name) => !RESPONSE_HEADERS.includes(name) && !UNTOLD_RESPONSE_HEADERS.has(name))
    .sort()
  return pickHeaders(headers, [...RESPONSE_HEADERS, ...others])
}

/** The headers of `headers` listed in `names`, with keys and tokens shortened. */
export function pickHeaders(headers: Record<string, string>, names: string[]): [string, string][] {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]))
  return names
    .filter((name) => name in lower)
    .map((name) => [name, shortenSecret(name, lower[name])])
}

function shortenSecret(name: string, value: string): string {
  return name === 'apikey' || name === 'authorization' ? shortenJwts(value) : value
}

// A JWT is three long base64url parts; its first and last characters are enough to compare.
const JWT = /[\w-]{12,}\.[\w-]{12,}\.[\w-]{12,}/g

/** Replaces every JWT in `text` by its first and last characters. */
export function shortenJwts(text: string): string {
  return text.replace(JWT, (jwt) => `${jwt.slice(0, 10)}…${jwt.slice(-6)}`)
}

/** SQL parameters as one line of JSON, with tokens shortened. */
export function formatParams(params: unknown[]): string {
  return shortenJwts(JSON.stringify(params))
}

/** A body as the reader should see it: indented JSON when it parses, the raw text otherwise. */
export function prettyBody(body: string | null): string | null {
  if (body === null || body === '') return null
  try {
    return JSON.stringify(JSON.parse(body), null, 2)
  } catch {
    return body
  }
}

/** Splits a request URL into its path and its decoded query string, for reading. */
export function readableUrl(url: string): string {
  try {
    return decodeURIComponent(url)
  } catch {
    return url
  }
}

const INLINE_WIDTH = 72

/** Prints console arguments the way a browser console would, in plain text. */
export function formatLogArgs(args: Logged[]): string {
  return args
    .map((arg) => {
      if (arg.kind !== 'string') return formatLogged(arg)
      const { value } = arg
      return isImageDataUrl(arg) ? shortenDataUrl(value) : value
    })
    .join(' ')
}

/**
 * Is this logged value an image data URL (a TOTP factor's QR code)? The Console shows it as
 * the image too, so the reader can scan it. Only raster and SVG: an <img> never runs scripts.
 */
export function isImageDataUrl(arg: Logged): arg is Extract<Logged, { kind: 'string' }> {
  return arg.kind === 'string' && /^data:image\/(svg\+xml|png|gif|jpeg|webp)[;,]/.test(arg.value)
}

// Thousands of characters of an image's data would push the image itself out of sight.
function shortenDataUrl(url: string): string {
  if (url.length <= 80) return url
  return `${url.slice(0, 60)}… (${url.length} characters; the image is below)`
}

/** Prints one logged value; short values stay on one line, longer ones are indented. */
export function formatLogged(value: Logged, indent = ''): string {
  switch (value.kind) {
    case 'string':
      return quote(value.value)
    case 'number':
    case 'boolean':
      return String(value.value)
    case 'null':
      return 'null'
    case 'undefined':
      return 'undefined'
    case 'bigint':
    case 'symbol':
      return value.text
    case 'function':
      return `[Function ${value.name || '(anonymous)'}]`
    case 'date':
      return value.iso
    case 'circular':
      return '[Circular]'
    case 'truncated':
      return '[…]'
    case 'error':
      return formatError(value.error, indent)
    case 'array':
      return formatList(
        '[',
        ']',
        value.items.map((item) => (inner: string) => formatLogged(item, inner)),
        value.omitted,
        indent,
      )
    case 'object':
      return (
        (value.name ? `${value.name} ` : '') +
        formatList(
          '{',
          '}',
          value.entries.map(
            ([key, item]) =>
              (inner: string) =>
                `${formatKey(key)}: ${formatLogged(item, inner)}`,
          ),
          value.omitted,
          indent,
        )
      )
  }
}

function formatList(
  open: string,
  close: string,
  parts: ((indent: string) => string)[],
  omitted: number,
  indent: string,
): string {
  if (parts.length === 0 && omitted === 0) return open + close
  const more = omitted > 0 ? [`… ${omitted} more`] : []
  const inline = [...parts.map((part) => part('')), ...more]
  const pad = open === '{' ? ' ' : ''
  const oneLine = `${open}${pad}${inline.join(', ')}${pad}${close}`
  if (oneLine.length + indent.length <= INLINE_WIDTH && !oneLine.includes('\n')) return oneLine

  const inner = indent + '  '
  const lines = [...parts.map((part) => inner + part(inner)), ...more.map((text) => inner + text)]
  return `${open}\n${lines.join(',\n')}\n${indent}${close}`
}

/** Prints an error as `Name: message` followed by its code and other fields. */
export function formatError(error: SerializedError, indent = ''): string {
  const fields: [string, Logged][] = [
    ...(error.code !== undefined
      ? [['code', { kind: 'string', value: error.code }] as [string, Logged]]
      : []),
    ...Object.entries(error.fields ?? {}),
  ]
  const head = `${error.name}: ${error.message}`
  if (fields.length === 0) return head
  return `${head} ${formatLogged({ kind: 'object', name: null, entries: fields, omitted: 0 }, indent)}`
}

function formatKey(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? key : quote(key)
}

// Single quotes, as a console prints strings, unless the text has some and no double ones.
function quote(text: string): string {
  const escaped = text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')
  if (text.includes("'") && !text.includes('"')) return `"${escaped}"`
  return `'${escaped.replace(/'/g, "\\'")}'`
}

/** The limit a statement ran past before the project was restarted, in words. */
export function describeStatementLimit({ role, timeoutMs }: ProjectRestart): string {
  const seconds = `${timeoutMs / 1000} s`
  if (role === 'anon' || role === 'authenticated') {
    return `the ${seconds} statement timeout of the ${role} role`
  }
  // Supabase sets none for service_role: the page waits as long as for the most patient role.
  const whose = role ? `the ${role} role` : 'a request without a role'
  return `the page’s ${seconds} limit (Supabase sets no statement timeout for ${whose})`
}
