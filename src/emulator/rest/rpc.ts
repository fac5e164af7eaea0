/** Calls to Postgres functions at `/rpc/<name>`. */
import type { RestRequest } from './context.ts'

// Not yet: calling functions.
export async function handleRpc(rest: RestRequest): Promise<Response> {
  throw rest.notYet('rpc calls')
}
