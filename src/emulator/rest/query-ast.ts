/**
 * The typed form of a PostgREST query string (PostgREST's `ApiRequest.Types`): what
 * `parseQueryParams` produces and what the SQL builders consume.
 */

/** One step of a JSON path: `->key` keeps JSON, `->>key` yields text. */
export interface JsonStep {
  arrow: '->' | '->>'
  /** An object key, or an array index when it is an integer such as `0` or `-1`. */
  key: string
  isIndex: boolean
}

/** A column, possibly followed by a JSON path: `data->a->>b`. */
export interface FieldRef {
  name: string
  jsonPath: JsonStep[]
}

export interface ColumnItem {
  kind: 'column'
  /** `*` for all columns. */
  field: FieldRef
  alias: string | null
  /** A type name from `::type`, already checked to be a plain type name. */
  cast: string | null
}

export interface EmbedItem {
  kind: 'embed'
  /** The table (or FK column / constraint) named in the select. */
  relation: string
  alias: string | null
  /** The `!hint`: a foreign key name, a column, or a join table. */
  hint: string | null
  joinType: 'inner' | 'left' | null
  isSpread: boolean
  select: SelectItem[]
}

export type SelectItem = ColumnItem | EmbedItem

export const OPERATORS = [
  'eq',
  'neq',
  'gt',
  'gte',
  'lt',
  'lte',
  'like',
  'ilike',
  'match',
  'imatch',
  'is',
  'isdistinct',
  'in',
  'cs',
  'cd',
  'ov',
  'sl',
  'sr',
  'nxl',
  'nxr',
  'adj',
  'fts',
  'plfts',
  'phfts',
  'wfts',
] as const

export type Operator = (typeof OPERATORS)[number]

/** The right-hand side of a filter: `not.eq(any).{a,b}` or `fts(english).cat`. */
export interface Operation {
  operator: Operator
  isNegated: boolean
  quantifier: 'any' | 'all' | null
  /** The text search configuration of `fts(english)`. */
  language: string | null
  /** The raw value; Postgres casts it to the column's type. */
  value: string
  /** The items of `in.(a,"b,c")`, unquoted. */
  list: string[] | null
}

export interface FilterNode {
  kind: 'filter'
  field: FieldRef
  operation: Operation
}

export interface LogicNode {
  kind: 'logic'
  operator: 'and' | 'or'
  isNegated: boolean
  children: Condition[]
}

/** A condition of a WHERE clause: one filter or an `and`/`or` tree of them. */
export type Condition = FilterNode | LogicNode

export interface OrderTerm {
  /** Set for `order=rel(col)`: the to-one embedding the column belongs to. */
  relation: string | null
  field: FieldRef
  direction: 'asc' | 'desc' | null
  nulls: 'first' | 'last' | null
}

/** What applies to one level of the result: the top relation or one embedding. */
export interface NodeModifiers {
  /** Filters and logic trees, combined with AND. */
  conditions: Condition[]
  order: OrderTerm[]
  limit: number | null
  offset: number | null
}

export interface QueryParams {
  select: SelectItem[]
  /** Whether `select` was in the query string (the default is `*`). */
  hasSelect: boolean
  /** Modifiers of the top relation. */
  root: NodeModifiers
  /** Modifiers of embeddings, keyed by their dotted path of names or aliases (`cities`). */
  embedded: Map<string, NodeModifiers>
  /** `columns=a,b` of inserts, or null. */
  columns: string[] | null
  /** `on_conflict=a,b` of upserts, or null. */
  onConflict: string[] | null
  /** Parameters kept out of filtering: `columns`, `on_conflict` and excluded names. */
  extra: Map<string, string>
}

/** Modifiers with nothing in them. */
export function createNodeModifiers(): NodeModifiers {
  return { conditions: [], order: [], limit: null, offset: null }
}
