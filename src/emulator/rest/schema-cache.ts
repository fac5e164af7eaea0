/**
 * PostgREST's schema cache: the relations, columns, foreign keys and functions of the exposed
 * schemas, read from the catalog. Reloaded after DDL (an event trigger sends
 * `NOTIFY pgrst, 'reload schema'`, as Supabase's does) or an explicit NOTIFY.
 */
import type { PGlite } from '@electric-sql/pglite'
import { listenToChannel } from '../notifications.ts'
import { addViewRelationships } from './view-relationships.ts'

export interface Column {
  name: string
  /** Type as `format_type` prints it, e.g. `text`, `bigint`, `text[]`, `jsonb`. */
  type: string
  /** The type's name in pg_type, e.g. `int8`, `_text`, `tstzrange`. */
  udtName: string
  isNullable: boolean
  hasDefault: boolean
  isGenerated: boolean
  position: number
}

export interface Relation {
  schema: string
  name: string
  kind: 'table' | 'view' | 'materialized-view' | 'foreign-table' | 'partitioned-table'
  columns: Column[]
  primaryKey: string[]
  isInsertable: boolean
  /** Column sets of unique constraints and unique indexes (a one-to-one key may be one). */
  uniqueKeys?: string[][]
}

export interface ForeignKey {
  constraintName: string
  schema: string
  table: string
  columns: string[]
  foreignSchema: string
  foreignTable: string
  foreignColumns: string[]
}

export interface FunctionArgument {
  name: string
  type: string
  hasDefault: boolean
  isVariadic: boolean
}

export interface RoutineInfo {
  schema: string
  name: string
  args: FunctionArgument[]
  returnType: string
  /** The schema and name of the relation the function returns rows of, if it does. */
  returnsRelation: { schema: string; name: string } | null
  returnsSet: boolean
  returnsScalar: boolean
  volatility: 'immutable' | 'stable' | 'volatile'
}

export interface SchemaCache {
  schemas: string[]
  relations: Map<string, Relation>
  foreignKeys: ForeignKey[]
  routines: Map<string, RoutineInfo[]>
}

/** The key relations and functions are stored under: `schema.name`. */
export function qualifiedKey(schema: string, name: string): string {
  return `${schema}.${name}`
}

/** Supabase's default exposed schemas, used when `pgrst.db_schemas` is not set. */
export const DEFAULT_SCHEMAS = ['public', 'graphql_public']

// PostgREST reads its in-database configuration from the authenticator role's settings.
const SCHEMAS_SQL = `
select split_part(setting, '=', 2) as value
from pg_db_role_setting s
join pg_roles r on r.oid = s.setrole, unnest(s.setconfig) as setting
where r.rolname = 'authenticator' and setting like 'pgrst.db_schemas=%'`

const RELATIONS_SQL = `
select n.nspname as schema, c.relname as name, c.relkind as relkind,
  coalesce(json_agg(json_build_object(
    'name', a.attname,
    'type', format_type(a.atttypid, a.atttypmod),
    'udtName', t.typname,
    'isNullable', not a.attnotnull,
    'hasDefault', a.atthasdef or a.attidentity <> '',
    'isGenerated', a.attgenerated <> '',
    'position', a.attnum
  ) order by a.attnum) filter (where a.attnum is not null), '[]') as columns,
  coalesce((
    select json_agg(pa.attname order by array_position(i.indkey, pa.attnum))
    from pg_index i
    join pg_attribute pa on pa.attrelid = i.indrelid and pa.attnum = any(i.indkey)
    where i.indrelid = c.oid and i.indisprimary
  ), '[]') as "primaryKey",
  coalesce((
    select json_agg((
      select json_agg(ua.attname order by array_position(u.indkey, ua.attnum))
      from pg_attribute ua where ua.attrelid = u.indrelid and ua.attnum = any(u.indkey)
    ))
    from pg_index u
    where u.indrelid = c.oid and u.indisunique and u.indpred is null and u.indexprs is null
  ), '[]') as "uniqueKeys"
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
left join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
left join pg_type t on t.oid = a.atttypid
where n.nspname = any($1) and c.relkind in ('r', 'v', 'm', 'f', 'p')
group by n.nspname, c.relname, c.relkind, c.oid`

const FOREIGN_KEYS_SQL = `
select con.conname as "constraintName",
  n.nspname as schema, c.relname as "table",
  (select json_agg(a.attname order by k.ord) from unnest(con.conkey) with ordinality k(num, ord)
    join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.num) as columns,
  fn.nspname as "foreignSchema", fc.relname as "foreignTable",
  (select json_agg(a.attname order by k.ord) from unnest(con.confkey) with ordinality k(num, ord)
    join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.num) as "foreignColumns"
from pg_constraint con
join pg_class c on c.oid = con.conrelid
join pg_namespace n on n.oid = c.relnamespace
join pg_class fc on fc.oid = con.confrelid
join pg_namespace fn on fn.oid = fc.relnamespace
where con.contype = 'f'`

const ROUTINES_SQL = `
select n.nspname as schema, p.proname as name,
  coalesce((
    select json_agg(json_build_object(
      'name', coalesce(p.proargnames[k.ord], ''),
      'type', format_type(k.typ, null),
      'hasDefault', k.ord > p.pronargs - p.pronargdefaults,
      'isVariadic', p.provariadic <> 0 and k.ord = p.pronargs
    ) order by k.ord)
    from unnest(p.proargtypes::oid[]) with ordinality k(typ, ord)
  ), '[]') as args,
  format_type(p.prorettype, null) as "returnType",
  case when rt.typrelid <> 0 then json_build_object('schema', rn.nspname, 'name', rc.relname)
  end as "returnsRelation",
  p.proretset as "returnsSet",
  rt.typrelid = 0 and rt.typname <> 'record' as "returnsScalar",
  case p.provolatile when 'i' then 'immutable' when 's' then 'stable' else 'volatile' end
    as volatility
from pg_proc p
join pg_namespace n on n.oid = p.pronamespace
join pg_type rt on rt.oid = p.prorettype
left join pg_class rc on rc.oid = rt.typrelid
left join pg_namespace rn on rn.oid = rc.relnamespace
where n.nspname = any($1) and p.prokind = 'f'`

const RELKINDS: Record<string, Relation['kind']> = {
  r: 'table',
  v: 'view',
  m: 'materialized-view',
  f: 'foreign-table',
  p: 'partitioned-table',
}

/** Reads the schema cache from the catalog, as the project owner. */
export async function loadSchemaCache(db: PGlite): Promise<SchemaCache> {
  const configured = await db.query<{ value: string }>(SCHEMAS_SQL)
  const schemas = configured.rows[0]
    ? configured.rows[0].value.split(',').map((schema) => schema.trim().replace(/^"|"$/g, ''))
    : DEFAULT_SCHEMAS

  const relations = new Map<string, Relation>()
  const relationRows = await db.query<Omit<Relation, 'kind' | 'isInsertable'> & { relkind: string }>(
    RELATIONS_SQL,
    [schemas],
  )
  for (const { relkind, ...row } of relationRows.rows) {
    const kind = RELKINDS[relkind]
    relations.set(qualifiedKey(row.schema, row.name), { ...row, kind, isInsertable: true })
  }

  const tableKeys = (await db.query<ForeignKey>(FOREIGN_KEYS_SQL)).rows
  const foreignKeys = await addViewRelationships(db, schemas, relations, tableKeys)

  const routines = new Map<string, RoutineInfo[]>()
  for (const routine of (await db.query<RoutineInfo>(ROUTINES_SQL, [schemas])).rows) {
    const key = qualifiedKey(routine.schema, routine.name)
    routines.set(key, [...(routines.get(key) ?? []), routine])
  }

  return { schemas, relations, foreignKeys, routines }
}


/**
 * Keeps a schema cache fresh: loads it lazily and marks it stale on every `pgrst`
 * notification, like PostgREST's listener. `get` always returns a cache for the current db.
 */
export function createSchemaCacheHolder(getDb: () => PGlite) {
  let cache: Promise<SchemaCache> | null = null
  let watchedDb: PGlite | null = null

  async function watch(db: PGlite) {
    watchedDb = db
    // The event triggers that send the notification are part of every project (bootstrap).
    await listenToChannel(db, 'pgrst', (payload) => {
      if (payload === '' || payload === 'reload schema') cache = null
    })
  }

  return {
    async get(): Promise<SchemaCache> {
      const db = getDb()
      if (db !== watchedDb) {
        cache = null
        await watch(db)
      }
      if (!cache) {
        cache = loadSchemaCache(db)
        cache.catch(() => (cache = null))
      }
      return cache
    },
    invalidate() {
      cache = null
    },
  }
}

export type SchemaCacheHolder = ReturnType<typeof createSchemaCacheHolder>
