/** The GoTrue service at `/auth/v1`. */
import type { ServiceContext } from '../context.ts'
import { jsonResponse, type ServiceRequest } from '../http.ts'

// Not yet: every auth endpoint; each answers 501 with the emulator's own error code.
export function createAuthService(context: ServiceContext) {
  return async function handleAuth(request: ServiceRequest, subpath: string): Promise<Response> {
    context.tracer.emit({
      type: 'not-yet',
      requestId: request.requestId,
      feature: `auth ${subpath}`,
      message: `Not yet: auth endpoint ${subpath}`,
    })
    return jsonResponse(
      501,
      { code: 'sandbase_not_yet', msg: `Sandbase does not emulate ${subpath} yet` },
      { 'x-supabase-api-version': '2024-01-01' },
    )
  }
}
