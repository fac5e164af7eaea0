/** POST, PATCH, PUT and DELETE on a relation. */
import type { RestRequest } from './context.ts'

// Not yet: insert, update, upsert and delete.
export async function handleMutation(rest: RestRequest): Promise<Response> {
  throw rest.notYet(`${rest.request.method} on a relation`)
}
