/**
 * Turns what the reader logs or throws into plain trees that survive `postMessage`:
 * class instances keep their class name, errors keep name, message, code and stack, and
 * functions, symbols and cycles become labelled placeholders instead of failing to clone.
 */
import { RUNTIME_GLOBAL } from './compile.ts'
import type { Logged, SerializedError } from './protocol.ts'

const MAX_DEPTH = 8
const MAX_ITEMS = 200

/** Converts any value into a `Logged` tree. */
export function toLogged(value: unknown, depth = 0, seen = new Set<object>()): Logged {
  if (value === null) return { kind: 'null' }
  switch (typeof value) {
    case 'string':
      return { kind: 'string', value }
    case 'number':
      return { kind: 'number', value }
    case 'boolean':
      return { kind: 'boolean', value }
    case 'undefined':
      return { kind: 'undefined' }
    case 'bigint':
      return { kind: 'bigint', text: `${value}n` }
    case 'symbol':
      return { kind: 'symbol', text: value.toString() }
    case 'function':
      return { kind: 'function', name: value.name }
  }

  const object = value as object
  if (seen.has(object)) return { kind: 'circular' }
  if (depth >= MAX_DEPTH) return { kind: 'truncated' }
  if (object instanceof Date) return { kind: 'date', iso: dateText(object) }
  if (isErrorLike(object)) return { kind: 'error', error: serializeError(object, depth, seen) }

  seen.add(object)
  try {
    if (Array.isArray(object)) {
      const items = object.slice(0, MAX_ITEMS).map((item) => toLogged(item, depth + 1, seen))
      return { kind: 'array', items, omitted: Math.max(0, object.length - MAX_ITEMS) }
    }
    const source = object instanceof Map ? Object.fromEntries(object) : object
    const keys = Object.keys(source)
    const entries = keys
      .slice(0, MAX_ITEMS)
      .map((key): [string, Logged] => [
        key,
        toLogged((source as Record<string, unknown>)[key], depth + 1, seen),
      ])
    return {
      kind: 'object',
      name: constructorName(object),
      entries,
      omitted: Math.max(0, keys.length - MAX_ITEMS),
    }
  } finally {
    seen.delete(object)
  }
}

/** Keeps an error's name, message, code, stack and other own fields across workers. */
export function serializeError(
  error: unknown,
  depth = 0,
  seen = new Set<object>(),
): SerializedError {
  if (!isErrorLike(error)) return { name: 'Error', message: String(error) }

  const { name, message, stack } = error as Error
  const code = (error as { code?: unknown }).code
  const fields: Record<string, Logged> = {}
  seen.add(error)
  for (const key of Object.keys(error)) {
    if (['name', 'message', 'stack', 'code'].includes(key)) continue
    fields[key] = toLogged((error as unknown as Record<string, unknown>)[key], depth + 1, seen)
  }
  seen.delete(error)

  return {
    name: typeof name === 'string' ? name : 'Error',
    message: toReaderNames(typeof message === 'string' ? message : String(message)),
    ...(code !== undefined && { code: String(code) }),
    ...(typeof stack === 'string' && { stack }),
    ...(Object.keys(fields).length > 0 && { fields }),
  }
}

function isErrorLike(value: unknown): value is Error {
  return value instanceof Error || Object.prototype.toString.call(value) === '[object Error]'
}

// Plain objects print without a name; instances show their class, e.g. `PostgrestError`.
function constructorName(object: object): string | null {
  const prototype = Object.getPrototypeOf(object)
  if (prototype === null || prototype === Object.prototype) return null
  const name = (prototype.constructor as { name?: string } | undefined)?.name
  return name && name !== 'Object' ? name : null
}

function dateText(date: Date): string {
  return Number.isNaN(date.getTime()) ? 'Invalid Date' : date.toISOString()
}

// The compiler turns a free `supabase` into `globalThis.__sandbase.supabase`, and
// `process.env` into `globalThis.__sandbase.env`; a message names them as the reader wrote them
// ("supabase.frm is not a function").
function toReaderNames(message: string): string {
  const runtime = `globalThis.${RUNTIME_GLOBAL}.`
  return message.replaceAll(`${runtime}env`, 'process.env').replaceAll(runtime, '')
}
