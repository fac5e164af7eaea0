/**
 * SQL for an rpc call. The arguments are bound as ONE json parameter and typed by
 * `json_to_record` with the declared parameter types, then passed in named notation
 * (`fn("a" => pgrst_args."a")`), so values never reach the SQL text and omitted parameters
 * keep their defaults. Names and types come from the schema cache and are quoted.
 */
import type { RpcArguments, RpcCall } from './plan-rpc.ts'
import { RESPONSE_SETTING_COLUMNS } from './response-settings.ts'
import { quoteIdent, quoteQualified, type SqlParams } from './sql-fragments.ts'

export interface CallSql {
  /** The `pgrst_args` CTE typing the arguments, or null without arguments. */
  argsCte: string | null
  /** The function call expression. */
  call: string
  /** The FROM clause that makes `pgrst_args` visible to `call`, or '' without arguments. */
  argsFrom: string
}

/** The CTE materialising the rows the function returned; read them as `ROWS_CTE`. */
export const ROWS_CTE = 'pgrst_source'

/** Builds the call of a planned routine, binding its arguments into `params`. */
export function buildCallSource(call: RpcCall, input: RpcArguments, params: SqlParams): CallSql {
  const { routine, args, isSingleJson } = call
  const name = quoteQualified(routine.schema, routine.name)

  let argsCte: string | null = null
  let argsFrom = ''
  let callSql: string
  if (isSingleJson) {
    callSql = `${name}(${params.add(input.json)}::${args[0].type})`
  } else if (args.length === 0) {
    callSql = `${name}()`
  } else {
    const columns = args.map((arg) => `${quoteIdent(arg.name)} ${arg.type}`).join(', ')
    // json_to_record reads only the declared names; any other key of the body is ignored.
    const values = input.json
    argsCte = `pgrst_args as (select * from json_to_record(${params.add(values)}::json) as pgrst_args(${columns}))`
    argsFrom = ' from pgrst_args'
    const named = args.map(
      (arg) =>
        `${arg.isVariadic ? 'variadic ' : ''}${quoteIdent(arg.name)} => pgrst_args.${quoteIdent(arg.name)}`,
    )
    callSql = `${name}(${named.join(', ')})`
  }

  return { argsCte, call: callSql, argsFrom }
}

/**
 * `with` clauses for a statement over the call: the arguments and, when `hasRows`, the rows
 * materialised so that counting and paging never call the function twice.
 */
export function formatWith(source: CallSql, hasRows: boolean): string {
  const { argsCte, call, argsFrom } = source
  const rows = argsFrom
    ? `select pgrst_call.* from pgrst_args, lateral ${call} as pgrst_call`
    : `select pgrst_call.* from ${call} as pgrst_call`
  const ctes = [argsCte, hasRows ? `${ROWS_CTE} as materialized (${rows})` : null]
  const present = ctes.filter(Boolean)
  return present.length ? `with ${present.join(',\n')}\n` : ''
}

/** The statement for a function returning void: it runs, and nothing comes back. */
export function buildVoidQuery(source: CallSql): string {
  const args = formatWith(source, false)
  return (
    `${args}select null::bigint as total_count, pg_catalog.count(pgrst_void) as page_total, ` +
    `null::text as body, ${RESPONSE_SETTING_COLUMNS} ` +
    `from (select ${source.call}${source.argsFrom}) as pgrst_void`
  )
}

/**
 * The statement for a function returning a scalar: its JSON value, or a JSON array of values
 * for `setof` scalars.
 */
export function buildScalarQuery(
  source: CallSql,
  isSet: boolean,
  shouldCount: boolean,
  page: { limit: string | null; offset: string | null } = { limit: null, offset: null },
): string {
  const args = formatWith(source, false)
  if (!isSet) {
    return (
      `${args}select ${shouldCount ? '1' : 'null'}::bigint as total_count, 1 as page_total, ` +
      `coalesce(to_json(${source.call})::text, 'null') as body, ` +
      `${RESPONSE_SETTING_COLUMNS}${source.argsFrom}`
    )
  }
  const from = source.argsFrom
    ? `from pgrst_args, lateral ${source.call} as pgrst_call(pgrst_value)`
    : `from ${source.call} as pgrst_call(pgrst_value)`
  // limit/offset/Range page the values, as they do the rows of any other read.
  const limit = page.limit === null ? '' : ` limit ${page.limit}`
  const offset = page.offset === null ? '' : ` offset ${page.offset}`
  const rows = `select pgrst_call.pgrst_value ${from}${limit}${offset}`
  const total = shouldCount ? `(select pg_catalog.count(*) ${from})` : 'null::bigint'
  return (
    `${args}select ${total} as total_count, pg_catalog.count(*) as page_total, ` +
    `coalesce(json_agg(pgrst_page.pgrst_value), '[]')::text as body, ` +
    `${RESPONSE_SETTING_COLUMNS} ` +
    `from (${rows}) as pgrst_page`
  )
}
