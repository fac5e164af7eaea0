/**
 * Plans a call to `/rpc/<name>`: reads the arguments (the JSON body of a POST, the query
 * string of a GET) and picks the function among its overloads by argument names. Mirrors
 * PostgREST's `Plan/CallPlan.hs` and its PGRST202/PGRST203 errors.
 */
import type { RestRequest } from './context.ts'
import { RestError } from './errors.ts'
import { findClosestName } from './fuzzy.ts'
import { readRpcBody } from './body.ts'
import type { FunctionArgument, RoutineInfo } from './schema-cache.ts'

export interface RpcArguments {
  /** Argument values by name; from a GET they are text, repeated names become arrays. */
  values: Record<string, unknown>
  /** The names the caller gave, sorted as PostgREST lists them in errors. */
  keys: string[]
  /**
   * The JSON text bound for the call: the body as sent for a POST (so Postgres parses its
   * numbers, not JavaScript), the query-string arguments as an object for a GET.
   */
  json: string
  isPost: boolean
}

export interface RpcCall {
  routine: RoutineInfo
  /** The routine's parameters that receive a value, in declaration order. */
  args: FunctionArgument[]
  /** Whether the body goes as a whole to a single unnamed json/jsonb parameter. */
  isSingleJson: boolean
}

const JSON_TYPES = ['json', 'jsonb']

// Parameters of the query string that are never arguments (PostgREST's reserved names).
const RESERVED = ['select', 'columns', 'on_conflict']
const RESERVED_LAST = ['order', 'limit', 'offset', 'and', 'or']
const OPERATORS = new Set([
  'eq',
  'gte',
  'gt',
  'lte',
  'lt',
  'neq',
  'like',
  'ilike',
  'cs',
  'cd',
  'ov',
  'sl',
  'sr',
  'nxr',
  'nxl',
  'adj',
  'match',
  'imatch',
  'isdistinct',
  'fts',
  'plfts',
  'phfts',
  'wfts',
])

/**
 * Whether a query parameter of a GET call is an argument. Like PostgREST, a key with a dot or
 * a value that starts with an operator (`eq.`, `not.`, `in.`, `is.`) is a filter instead.
 */
export function isArgumentParam(key: string, value: string): boolean {
  if (RESERVED.includes(key) || RESERVED_LAST.includes(key.split('.').at(-1) ?? '')) return false
  if (key.includes('.')) return false
  const [head, ...rest] = value.split('.')
  if (head === 'not' && rest.length > 0) return false
  if (head === 'is' || head === 'in' || OPERATORS.has(head)) return false
  const ftsHead = value.split('(')
  return !(ftsHead.length > 1 && ['fts', 'plfts', 'phfts', 'wfts'].includes(ftsHead[0]))
}

/** Reads the arguments of the call from the body (POST) or the query string (GET, HEAD). */
export function readRpcArguments(rest: RestRequest): RpcArguments {
  const { request } = rest
  if (request.method === 'POST') {
    const { value, raw } = readRpcBody(request)
    // Not yet: PostgREST's bulk call, a JSON array of argument objects; answered with a 501.
    if (Array.isArray(value)) throw rest.notYet('rpc called with a JSON array (bulk call)')
    const values =
      typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {}
    const json = raw ?? JSON.stringify(values)
    return { values, keys: Object.keys(values).sort(), json, isPost: true }
  }

  // A prototype-free object, so that a parameter named `__proto__` is just a name.
  const values: Record<string, unknown> = Object.create(null)
  for (const [key, value] of request.url.searchParams) {
    if (!isArgumentParam(key, value)) continue
    const previous = values[key]
    values[key] =
      previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value]
  }
  const keys = Object.keys(values).sort()
  return { values, keys, json: JSON.stringify(values), isPost: false }
}

/**
 * The query-string arguments as the planned function takes them. Like PostgREST, a repeated
 * name fills an array only for a variadic parameter; otherwise its last value counts.
 */
export function settleRepeated(input: RpcArguments, call: RpcCall): RpcArguments {
  if (input.isPost) return input
  const variadic = new Set(call.args.filter((arg) => arg.isVariadic).map((arg) => arg.name))
  const values: Record<string, unknown> = Object.create(null)
  for (const [key, value] of Object.entries(input.values)) {
    values[key] = Array.isArray(value) && !variadic.has(key) ? value.at(-1) : value
  }
  return { ...input, values, json: JSON.stringify(values) }
}

/** Picks the overload the arguments call, or fails like PostgREST (404 PGRST202, 300 PGRST203). */
export function planRpcCall(
  rest: RestRequest,
  input: RpcArguments,
  isSingleObject = false,
): RpcCall {
  const overloads = rest.cache.routines.get(`${rest.schema}.${rest.name}`) ?? []
  // `Prefer: params=single-object`: the body is one json argument, whatever its name.
  if (isSingleObject && input.isPost) {
    const routine = overloads.find(
      (candidate) => candidate.args.length === 1 && JSON_TYPES.includes(candidate.args[0].type),
    )
    if (routine) return { routine, args: routine.args, isSingleJson: true }
  }
  const byName = overloads.filter((routine) => acceptsNames(routine, input.keys))

  if (byName.length === 1) {
    const [routine] = byName
    return {
      routine,
      args: routine.args.filter((arg) => Object.hasOwn(input.values, arg.name)),
      isSingleJson: false,
    }
  }
  if (byName.length > 1) throw ambiguous(byName)

  // Without a match by name, a POST falls back to a function taking the whole body.
  const singleJson = input.isPost ? overloads.filter(hasSingleUnnamedJson) : []
  if (singleJson.length > 1) throw ambiguous(singleJson)
  const [routine] = singleJson
  if (routine) return { routine, args: routine.args, isSingleJson: true }
  throw notFound(rest, input, overloads)
}

// Every given name is a parameter, and every parameter without a default is given.
function acceptsNames(routine: RoutineInfo, keys: string[]): boolean {
  const names = new Set(routine.args.map((arg) => arg.name))
  if (!keys.every((key) => key !== '' && names.has(key))) return false
  return routine.args.every((arg) => arg.hasDefault || keys.includes(arg.name))
}

function hasSingleUnnamedJson(routine: RoutineInfo): boolean {
  const [arg] = routine.args
  return routine.args.length === 1 && arg.name === '' && JSON_TYPES.includes(arg.type)
}

function ambiguous(routines: RoutineInfo[]): RestError {
  const signatures = routines.map((routine) => {
    const params = routine.args.map((arg) => `${arg.name} => ${arg.type}`).join(', ')
    return `${routine.schema}.${routine.name}(${params})`
  })
  return new RestError(
    300,
    'PGRST203',
    `Could not choose the best candidate function between: ${signatures.join(', ')}`,
    null,
    'Try renaming the parameters or the function itself in the database so function overloading can be resolved',
  )
}

function notFound(rest: RestRequest, input: RpcArguments, overloads: RoutineInfo[]): RestError {
  const { schema, name } = rest
  const { keys, isPost } = input
  const fn = `${schema}.${name}`
  const listed = keys.length === 0 ? ' without parameters' : `(${keys.join(', ')})`
  const searched =
    keys.length === 0
      ? ' without parameters'
      : ` with parameter${keys.length > 1 ? 's' : ''} ${keys.join(', ')}`
  const jsonAlternative = isPost ? ' or with a single unnamed json/jsonb parameter' : ''

  return new RestError(
    404,
    'PGRST202',
    `Could not find the function ${fn}${listed} in the schema cache`,
    `Searched for the function ${fn}${searched}${jsonAlternative}, but no matches were found in the schema cache.`,
    suggestFunction(rest, keys, overloads),
  )
}

// "Perhaps you meant ...": another parameter list of the same function, else a similar name.
function suggestFunction(rest: RestRequest, keys: string[], overloads: RoutineInfo[]) {
  const prefix = `Perhaps you meant to call the function ${rest.schema}.`
  if (overloads.length > 0) {
    const lists = overloads.map((routine) => formatNames(routine.args.map((arg) => arg.name)))
    const closest = findClosestName(formatNames(keys), lists) ?? lists[0]
    return `${prefix}${rest.name}${closest}`
  }
  const names = [...rest.cache.routines.values()]
    .flat()
    .filter((routine) => routine.schema === rest.schema)
    .map((routine) => routine.name)
  const closest = findClosestName(rest.name, names)
  return closest ? `${prefix}${closest}` : null
}

function formatNames(names: string[]): string {
  return `(${[...names].sort().join(', ')})`
}
