/** GET and HEAD on a relation. */
import { jsonResponse } from '../http.ts'
import type { RestRequest } from './context.ts'
import { RestError } from './errors.ts'
import { qualifiedKey } from './schema-cache.ts'

// Not yet: select lists, filters, embedding, order, ranges and counts; every read answers
// `select *` of the whole relation.
export async function handleRead(rest: RestRequest): Promise<Response> {
  const relation = rest.cache.relations.get(qualifiedKey(rest.schema, rest.name))
  if (!relation) {
    throw new RestError(
      404,
      'PGRST205',
      `Could not find the table '${rest.schema}.${rest.name}' in the schema cache`,
    )
  }

  const sql = `select coalesce(json_agg(t), '[]') as body from "${relation.schema}"."${relation.name}" t`
  const result = await rest.run((session) => session.query<{ body: unknown }>(sql))
  return jsonResponse(200, result.rows[0].body)
}
