/**
 * The request body of a write or an rpc call, as PostgREST reads it: JSON (an object or an
 * array of objects with the same keys) or a url-encoded form; the `columns` parameter picks
 * which keys count. Mirrors PostgREST's `ApiRequest/Payload.hs`.
 */
import type { ServiceRequest } from '../http.ts'
import { RestError } from './errors.ts'

export type JsonObject = Record<string, unknown>

export interface Payload {
  /** The rows to write; a single object is one row. */
  rows: JsonObject[]
  isArray: boolean
  /** The keys that become columns: from `columns=` when given, else the first object's. */
  keys: string[]
  /**
   * The rows as the JSON array bound to the statement. A JSON body is passed on as sent (an
   * object wrapped in `[...]`), so Postgres parses its numbers, not JavaScript.
   */
  json: string
  /** The body text when it was a JSON object, for statements that take one row. */
  rawObject: string | null
}

interface BodyValue {
  value: unknown
  /** The body text when it was JSON. */
  raw: string | null
}

const JSON_TYPES = ['application/json', 'application/vnd.pgrst.object+json']
const FORM_TYPE = 'application/x-www-form-urlencoded'
const CSV_TYPE = 'text/csv'

/** The body's media type without parameters; PostgREST assumes JSON when none is sent. */
export function readContentType(request: ServiceRequest): string {
  const header = request.headers['content-type']
  if (!header) return 'application/json'
  return header.split(';')[0].trim().toLowerCase()
}

/** Reads the body of POST/PATCH/PUT on a relation. */
export function readPayload(request: ServiceRequest, columnsParam: string | null): Payload {
  const columns = columnsParam === null ? null : parseColumnsParam(columnsParam)
  const { value, raw } = readBodyValue(request, false)
  if (Array.isArray(value)) {
    return { ...readArray(value, columns), json: raw ?? JSON.stringify(value), rawObject: null }
  }
  if (isObject(value)) {
    const keys = columns ?? Object.keys(value)
    const json = raw === null ? JSON.stringify([value]) : `[${raw}]`
    return { rows: [value], isArray: false, keys, json, rawObject: raw }
  }
  // Like PostgREST, a JSON scalar is taken as "no rows".
  return { rows: [], isArray: true, keys: columns ?? [], json: '[]', rawObject: null }
}

/**
 * Reads the arguments of an rpc call sent as a body (an empty body means `{}`), with the JSON
 * text as sent when it was JSON.
 */
export function readRpcBody(request: ServiceRequest): BodyValue {
  return readBodyValue(request, true)
}

function readBodyValue(request: ServiceRequest, isRpc: boolean): BodyValue {
  const contentType = readContentType(request)
  const body = request.body ?? ''

  if (contentType === FORM_TYPE) {
    return { value: Object.fromEntries(new URLSearchParams(body)), raw: null }
  }
  if (contentType === CSV_TYPE && !isRpc) return { value: readCsv(body), raw: null }
  if (!JSON_TYPES.includes(contentType)) {
    throw new RestError(400, 'PGRST102', `Content-Type not acceptable: ${contentType}`)
  }
  if (body.trim() === '' && isRpc) return { value: {}, raw: null }
  try {
    return { value: JSON.parse(body), raw: body }
  } catch {
    throw invalidBody('Empty or invalid json')
  }
}

/**
 * CSV with a header line, as PostgREST reads it for inserts: every value is text except an
 * unquoted or quoted `NULL`, which is SQL NULL.
 */
function readCsv(body: string): JsonObject[] {
  const [header, ...lines] = parseCsvRecords(body)
  if (!header) return []
  if (lines.some((line) => line.length !== header.length)) {
    throw invalidBody('All lines must have same number of fields')
  }
  return lines.map((line) =>
    Object.fromEntries(
      header.map((key, index) => [key, line[index] === 'NULL' ? null : line[index]]),
    ),
  )
}

// RFC 4180 records: fields split by commas, quoted fields may hold commas, quotes ("") and
// line breaks; a trailing line break ends the last record.
function parseCsvRecords(text: string): string[][] {
  const records: string[][] = []
  let record: string[] = []
  let field = ''
  let isQuoted = false
  const endField = () => {
    record.push(field)
    field = ''
  }
  const endRecord = () => {
    endField()
    records.push(record)
    record = []
  }

  for (let index = 0; index < text.length; index += 1) {
    const char = text[index]
    if (isQuoted) {
      if (char !== '"') field += char
      else if (text[index + 1] === '"') field += text[++index]
      else isQuoted = false
    } else if (char === '"') {
      isQuoted = true
    } else if (char === ',') {
      endField()
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[index + 1] === '\n') index += 1
      endRecord()
    } else {
      field += char
    }
  }
  if (isQuoted) throw invalidBody('parse error (unexpected end of input in a quoted field)')
  if (field !== '' || record.length > 0) endRecord()
  return records
}

function readArray(
  value: unknown[],
  columns: string[] | null,
): Omit<Payload, 'json' | 'rawObject'> {
  if (value.length === 0) return { rows: [], isArray: true, keys: columns ?? [] }
  if (!value.every(isObject)) throw invalidBody('All object keys must match')

  const rows = value as JsonObject[]
  if (columns) return { rows, isArray: true, keys: columns }

  const keys = Object.keys(rows[0])
  const canonical = [...keys].sort().join('\u0000')
  const isUniform = rows.every((row) => Object.keys(row).sort().join('\u0000') === canonical)
  if (!isUniform) throw invalidBody('All object keys must match')
  return { rows, isArray: true, keys }
}

/** Parses `columns=a,"b c"` into names; quotes allow commas and spaces inside a name. */
export function parseColumnsParam(text: string): string[] {
  const names: string[] = []
  const pattern = /\s*(?:"((?:[^"\\]|\\.)*)"|([^,"]+?))\s*(?:,|$)/y
  let index = 0
  while (index < text.length) {
    pattern.lastIndex = index
    const match = pattern.exec(text)
    if (!match || match[0] === '') throw badColumns(text)
    names.push(match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2])
    index = pattern.lastIndex
  }
  if (names.length === 0) throw badColumns(text)
  return names
}

function badColumns(text: string): RestError {
  return new RestError(
    400,
    'PGRST100',
    `"failed to parse columns parameter (${text})" (line 1, column 1)`,
    'unexpected end of input expecting field name (* or [a..z0..9_$])',
  )
}

function invalidBody(message: string): RestError {
  return new RestError(400, 'PGRST102', message)
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
