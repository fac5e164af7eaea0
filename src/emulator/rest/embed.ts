/**
 * Embedding discovery: which foreign key links a relation to the resource named in
 * `select=*,rel(*)`, like PostgREST's `findRel` over its schema-cache relationships.
 * Many-to-one and one-to-one give an object, one-to-many and many-to-many an array.
 */
import { RestError } from './errors.ts'
import { findClosestName } from './fuzzy.ts'
import type { EmbedItem } from './query-ast.ts'
import { qualifiedKey, type ForeignKey, type Relation, type SchemaCache } from './schema-cache.ts'

// Not yet: computed relationships (functions taking a row and returning rows of a table);
// they answer PGRST200. Views inherit their tables' keys in view-relationships.ts.

export type Cardinality = 'many-to-one' | 'one-to-one' | 'one-to-many' | 'many-to-many'

/** Column pairs to join on: `left` is the parent's side, `right` the target's or junction's. */
export interface JoinPair {
  left: string
  right: string
}

export interface Relationship {
  cardinality: Cardinality
  target: Relation
  /** For direct relationships: parent column = target column. */
  pairs: JoinPair[]
  /** For many-to-many: the join table, how it meets the parent and how it meets the target. */
  junction: { relation: Relation; toParent: JoinPair[]; toTarget: JoinPair[] } | null
  /** The foreign keys involved, to describe and disambiguate. */
  keys: ForeignKey[]
}

/** Whether an embedding yields one object (or null) rather than an array. */
export function isToOne(relationship: Relationship): boolean {
  return relationship.cardinality === 'many-to-one' || relationship.cardinality === 'one-to-one'
}

/** Finds the one relationship `embed` means from `parent`, or throws PGRST200 / PGRST201. */
export function resolveRelationship(
  cache: SchemaCache,
  parent: Relation,
  embed: EmbedItem,
): Relationship {
  const candidates = listCandidates(cache, parent, embed.relation)
  const matching = embed.hint
    ? candidates.filter((candidate) => matchesHint(candidate, embed.hint as string))
    : candidates

  if (matching.length === 1) return matching[0]
  if (matching.length === 0) throw notFound(cache, parent, embed)
  throw ambiguous(parent, embed, matching)
}

function listCandidates(cache: SchemaCache, parent: Relation, name: string): Relationship[] {
  const candidates: Relationship[] = []
  const lookup = (schema: string, table: string) => cache.relations.get(qualifiedKey(schema, table))
  const isParent = (schema: string, table: string) =>
    schema === parent.schema && table === parent.name

  for (const key of cache.foreignKeys) {
    // Many-to-one: the parent holds the key. The target may be named by table, key or column.
    if (isParent(key.schema, key.table)) {
      const target = lookup(key.foreignSchema, key.foreignTable)
      const byColumn = key.columns.length === 1 && key.columns[0] === name
      if (target && (key.foreignTable === name || key.constraintName === name || byColumn)) {
        const pairs = zipPairs(key.columns, key.foreignColumns)
        const cardinality = isUniqueKey(parent, key.columns) ? 'one-to-one' : 'many-to-one'
        candidates.push({ cardinality, target, pairs, junction: null, keys: [key] })
      }
    }
    // One-to-many: the target holds a key to the parent; one-to-one if that key is unique.
    if (isParent(key.foreignSchema, key.foreignTable) && key.table === name) {
      const target = lookup(key.schema, key.table)
      if (!target) continue
      candidates.push({
        cardinality: isUniqueKey(target, key.columns) ? 'one-to-one' : 'one-to-many',
        target,
        pairs: zipPairs(key.foreignColumns, key.columns),
        junction: null,
        keys: [key],
      })
    }
  }
  return [...candidates, ...listManyToMany(cache, parent, name)]
}

/** Join tables with a key to the parent and a key to `name`, both part of their primary key. */
function listManyToMany(cache: SchemaCache, parent: Relation, name: string): Relationship[] {
  const found: Relationship[] = []
  const byTable = new Map<string, ForeignKey[]>()
  for (const key of cache.foreignKeys) {
    const table = qualifiedKey(key.schema, key.table)
    byTable.set(table, [...(byTable.get(table) ?? []), key])
  }

  for (const [table, keys] of byTable) {
    const junction = cache.relations.get(table)
    if (!junction || keys.length < 2) continue
    const inKey = (key: ForeignKey) => key.columns.every((c) => junction.primaryKey.includes(c))
    for (const toParent of keys) {
      if (toParent.foreignSchema !== parent.schema || toParent.foreignTable !== parent.name)
        continue
      for (const toTarget of keys) {
        if (toTarget === toParent || toTarget.foreignTable !== name) continue
        if (!inKey(toParent) || !inKey(toTarget)) continue
        const target = cache.relations.get(qualifiedKey(toTarget.foreignSchema, name))
        if (!target) continue
        found.push({
          cardinality: 'many-to-many',
          target,
          pairs: [],
          junction: {
            relation: junction,
            toParent: zipPairs(toParent.foreignColumns, toParent.columns),
            toTarget: zipPairs(toTarget.foreignColumns, toTarget.columns),
          },
          keys: [toParent, toTarget],
        })
      }
    }
  }
  return found
}

/** A hint names a foreign key, one of its columns, or the join table of a many-to-many. */
function matchesHint(candidate: Relationship, hint: string): boolean {
  if (candidate.junction?.relation.name === hint) return true
  return candidate.keys.some(
    (key) =>
      key.constraintName === hint ||
      (candidate.junction === null &&
        (key.columns.includes(hint) || key.foreignColumns.includes(hint))),
  )
}

function notFound(cache: SchemaCache, parent: Relation, embed: EmbedItem): RestError {
  const { relation, hint } = embed
  const using = hint ? ` using the hint '${hint}'` : ''
  // Like PostgREST, suggest among the tables the parent is related to; when the name is one of
  // them, the hint is what failed and there is nothing to suggest.
  const related = listRelatedNames(cache, parent)
  const closest = related.includes(relation) ? null : findClosestName(relation, related)
  return new RestError(
    400,
    'PGRST200',
    `Could not find a relationship between '${parent.name}' and '${relation}' in the schema cache`,
    `Searched for a foreign key relationship between '${parent.name}' and '${relation}'${using} ` +
      `in the schema '${parent.schema}', but no matches were found.`,
    closest ? `Perhaps you meant '${closest}' instead of '${relation}'.` : null,
  )
}

/** Names of the tables reachable from `parent` through one foreign key or a join table. */
function listRelatedNames(cache: SchemaCache, parent: Relation): string[] {
  const names = new Set<string>()
  for (const key of cache.foreignKeys) {
    if (key.schema === parent.schema && key.table === parent.name) names.add(key.foreignTable)
    if (key.foreignSchema === parent.schema && key.foreignTable === parent.name) {
      names.add(key.table)
      for (const other of cache.foreignKeys) {
        if (other !== key && other.schema === key.schema && other.table === key.table) {
          names.add(other.foreignTable)
        }
      }
    }
  }
  return [...names]
}

function ambiguous(parent: Relation, embed: EmbedItem, matching: Relationship[]): RestError {
  const details = matching.map((candidate) => ({
    cardinality: candidate.cardinality,
    embedding: `${parent.name} with ${candidate.target.name}`,
    relationship: describe(candidate),
  }))
  const options = matching.map((candidate) => `'${embed.relation}!${hintFor(candidate)}'`)
  return new RestError(
    300,
    'PGRST201',
    `Could not embed because more than one relationship was found for '${parent.name}' and ` +
      `'${embed.relation}'`,
    // PostgREST sends the candidates as a JSON array in `details`.
    details as unknown as string,
    `Try changing '${embed.relation}' to one of the following: ${options.join(', ')}. ` +
      `Find the desired relationship in the 'details' key.`,
  )
}

function hintFor(candidate: Relationship): string {
  return candidate.junction ? candidate.junction.relation.name : candidate.keys[0].constraintName
}

function describe(candidate: Relationship): string {
  const [key, second] = candidate.keys
  if (candidate.junction && second) {
    return (
      `${candidate.junction.relation.name} using ${key.constraintName}(${key.columns.join(', ')}) ` +
      `and ${second.constraintName}(${second.columns.join(', ')})`
    )
  }
  return (
    `${key.constraintName} using ${key.table}(${key.columns.join(', ')}) and ` +
    `${key.foreignTable}(${key.foreignColumns.join(', ')})`
  )
}

function zipPairs(left: string[], right: string[]): JoinPair[] {
  return left.map((column, index) => ({ left: column, right: right[index] }))
}

/** Whether `columns` are the primary key or a unique key of `relation`. */
function isUniqueKey(relation: Relation, columns: string[]): boolean {
  const keys = [relation.primaryKey, ...(relation.uniqueKeys ?? [])]
  return keys.some((key) => sameSet(key, columns))
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((item) => b.includes(item))
}
