/**
 * The GoTrue service at `/auth/v1`. Each request runs in one transaction as the auth admin
 * (GoTrue's own database user bypasses RLS on `auth.*`), so a failure leaves no half-made
 * user behind; the emails and texts it produced are delivered only once it commits.
 */
import type { ServiceContext } from '../context.ts'
import { isDatabaseError, runInRequest } from '../db.ts'
import { jsonResponse, type ServiceRequest } from '../http.ts'
import { parseBody, type AuthRequest } from './context.ts'
import {
  API_VERSION,
  API_VERSION_HEADER,
  AuthError,
  NOT_YET_CODE,
  notYet,
  toErrorResponse,
} from './errors.ts'
import { createInbox, type Inbox, type OutgoingMessage } from './inbox.ts'
import { matchRoute } from './routes.ts'
import { readSettings } from './settings.ts'

/** Creates the `/auth/v1` handler and its Inbox. */
export function createAuthService(context: ServiceContext) {
  const inbox = createInbox(context.tracer)
  context.onReset.add(() => inbox.clear())

  async function handleAuth(request: ServiceRequest, subpath: string): Promise<Response> {
    try {
      if (subpath === '/__sandbase/inbox') return answerInbox(request, inbox)
      return withVersionHeader(await route(request, subpath))
    } catch (error) {
      if (error instanceof AuthError) {
        if (error.code === NOT_YET_CODE) {
          context.tracer.emit({
            type: 'not-yet',
            requestId: request.requestId,
            feature: `auth ${request.method} ${subpath}`,
            message: `Not yet: ${error.message}`,
          })
        }
        return toErrorResponse(error, request)
      }
      if (isDatabaseError(error)) {
        // GoTrue reports a failing statement (a trigger on auth.users, say) as a 500.
        const { message } = error as Error
        return toErrorResponse(
          new AuthError(500, 'unexpected_failure', `Database error: ${message}`),
          request,
        )
      }
      throw error
    }
  }

  async function route(request: ServiceRequest, subpath: string): Promise<Response> {
    const match = matchRoute(request.method, subpath)
    if (match.kind === 'not-found') throw new AuthError(404, 'not_found', 'Not Found')
    if (match.kind === 'method-not-allowed') {
      throw new AuthError(405, 'method_not_allowed', 'Method Not Allowed')
    }
    if (match.kind === 'not-yet') throw notYet(`the GoTrue endpoint ${request.method} ${subpath}`)

    const body = request.method === 'GET' ? {} : parseBody(request.body)
    const outbox: OutgoingMessage[] = []
    const response = await runInRequest(
      context.getDb(),
      context.tracer,
      {
        requestId: request.requestId,
        role: 'postgres',
        claims: {},
        method: request.method,
        path: subpath,
        headers: request.headers,
      },
      async (sql) => {
        const auth: AuthRequest = {
          request,
          params: match.params,
          query: request.url.searchParams,
          body,
          sql,
          settings: await readSettings(sql),
          service: context,
          baseUrl: `${context.url}/auth/v1`,
          now: new Date(),
          outbox,
        }
        return match.handler(auth)
      },
    )
    inbox.deliver(request.requestId, outbox)
    return response
  }

  return handleAuth
}

/** `GET /auth/v1/__sandbase/inbox[?to=address]`, and `DELETE` to empty it. Sandbase's own. */
function answerInbox(request: ServiceRequest, inbox: Inbox): Response {
  if (request.method === 'DELETE') {
    inbox.clear()
    return jsonResponse(200, [])
  }
  if (request.method !== 'GET') throw new AuthError(405, 'method_not_allowed', 'Method Not Allowed')
  return jsonResponse(200, inbox.list(request.url.searchParams.get('to') ?? undefined))
}

function withVersionHeader(response: Response): Response {
  if (!response.headers.has(API_VERSION_HEADER)) {
    response.headers.set(API_VERSION_HEADER, API_VERSION)
  }
  return response
}
