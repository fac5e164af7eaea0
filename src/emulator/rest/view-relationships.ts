/**
 * Relationships of views, as PostgREST infers them: a view that exposes a table's key columns
 * unchanged inherits that table's foreign keys (both directions) and its primary key, so
 * `select=*,rel(*)` embeds through the view.
 */
import type { PGlite } from '@electric-sql/pglite'
import { qualifiedKey, type ForeignKey, type Relation } from './schema-cache.ts'

// Which table columns each view reads, from the dependencies of its rewrite rule.
const VIEW_SOURCES_SQL = `
select distinct vn.nspname as "viewSchema", v.relname as "viewName",
  tn.nspname as "tableSchema", t.relname as "tableName", a.attname as "column"
from pg_rewrite r
join pg_class v on v.oid = r.ev_class and v.relkind in ('v', 'm')
join pg_namespace vn on vn.oid = v.relnamespace
join pg_depend d on d.objid = r.oid and d.classid = 'pg_rewrite'::regclass
  and d.refclassid = 'pg_class'::regclass and d.refobjsubid > 0
join pg_class t on t.oid = d.refobjid and t.oid <> v.oid
join pg_namespace tn on tn.oid = t.relnamespace
join pg_attribute a on a.attrelid = t.oid and a.attnum = d.refobjsubid
where vn.nspname = any($1)`

interface ViewSource {
  viewSchema: string
  viewName: string
  tableSchema: string
  tableName: string
  column: string
}

// Not yet: renamed columns (`select id as city_id`) and views of views; PostgREST follows
// both through the view's parse tree, the emulator only matches columns by name.
/**
 * Adds the foreign keys and primary keys views inherit. A view column counts as a table's
 * column when it has the same name and no other table the view reads has a column so named.
 */
export async function addViewRelationships(
  db: PGlite,
  schemas: string[],
  relations: Map<string, Relation>,
  foreignKeys: ForeignKey[],
): Promise<ForeignKey[]> {
  const sources = (await db.query<ViewSource>(VIEW_SOURCES_SQL, [schemas])).rows
  const byView = new Map<string, ViewSource[]>()
  for (const source of sources) {
    const key = qualifiedKey(source.viewSchema, source.viewName)
    byView.set(key, [...(byView.get(key) ?? []), source])
  }

  const inherited: ForeignKey[] = []
  for (const [viewKey, viewSources] of byView) {
    const view = relations.get(viewKey)
    if (!view) continue
    const exposed = new Set(view.columns.map((column) => column.name))
    const tables = new Set(viewSources.map((s) => qualifiedKey(s.tableSchema, s.tableName)))
    for (const tableKey of tables) {
      const table = relations.get(tableKey)
      if (!table) continue
      const isMapped = (column: string) =>
        exposed.has(column) && isOnlySource(viewSources, tableKey, column)
      if (view.primaryKey.length === 0 && table.primaryKey.length > 0) {
        if (table.primaryKey.every(isMapped)) view.primaryKey = [...table.primaryKey]
      }
      for (const key of foreignKeys) {
        if (qualifiedKey(key.schema, key.table) === tableKey && key.columns.every(isMapped)) {
          inherited.push({ ...key, schema: view.schema, table: view.name })
        }
        const referencesTable = qualifiedKey(key.foreignSchema, key.foreignTable) === tableKey
        if (referencesTable && key.foreignColumns.every(isMapped)) {
          inherited.push({ ...key, foreignSchema: view.schema, foreignTable: view.name })
        }
      }
    }
  }
  return [...foreignKeys, ...inherited]
}

/** The column is read from this table and from no other table of the view. */
function isOnlySource(sources: ViewSource[], tableKey: string, column: string): boolean {
  const readers = sources.filter((source) => source.column === column)
  return (
    readers.length > 0 &&
    readers.every((source) => qualifiedKey(source.tableSchema, source.tableName) === tableKey)
  )
}
