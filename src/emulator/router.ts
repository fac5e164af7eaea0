/**
 * The API gateway: like Supabase's, it checks the `apikey` header and sends each path prefix
 * to its service. Unknown prefixes answer 404 as the gateway does.
 */
import { jsonResponse, type ServiceRequest } from './http.ts'
import type { ProjectKeys } from './keys.ts'
import { verifyJwt } from './keys.ts'

export type ServiceHandler = (request: ServiceRequest, subpath: string) => Promise<Response>

export interface Services {
  rest: ServiceHandler
  auth: ServiceHandler
  storage?: ServiceHandler
  functions?: ServiceHandler
}

const PREFIXES = [
  ['/rest/v1', 'rest'],
  ['/auth/v1', 'auth'],
  ['/storage/v1', 'storage'],
  ['/functions/v1', 'functions'],
] as const

// Paths the gateway serves without an apikey, as Supabase's does (links opened from emails,
// OAuth redirects, public objects), plus the stand-in provider's consent step, which a browser
// reaches by redirect as it would a real provider's page.
const OPEN_PATHS = [
  /^\/auth\/v1\/(verify|callback|authorize|__sandbase\/consent)/,
  /^\/storage\/v1\/object\/public\//,
]

/** Routes one request to a service after the gateway's apikey check. */
export async function routeRequest(
  request: ServiceRequest,
  services: Services,
  keys: ProjectKeys,
): Promise<Response> {
  const path = request.url.pathname
  const route = PREFIXES.find(([prefix]) => path === prefix || path.startsWith(prefix + '/'))
  if (!route) return jsonResponse(404, { message: 'no Route matched with those values' })

  const isOpen = OPEN_PATHS.some((pattern) => pattern.test(path))
  const apikey = request.headers['apikey'] ?? request.url.searchParams.get('apikey')
  if (!isOpen) {
    if (!apikey) return jsonResponse(401, { message: 'No API key found in request' })
    const verified = await verifyJwt(apikey, keys.jwtSecret)
    // The gateway takes only the project's keys, not any token signed with its secret.
    const isProjectKey = verified.ok && ['anon', 'service_role'].includes(verified.claims.role ?? '')
    if (!isProjectKey) {
      return jsonResponse(401, {
        message: 'Invalid API key',
        hint: 'Double check your Supabase `anon` or `service_role` API key.',
      })
    }
  }

  const [prefix, name] = route
  const handler = services[name]
  if (!handler) return answerNotEmulated(name)
  return handler(request, path.slice(prefix.length) || '/')
}

// Not yet: Storage and Edge Functions. Their calls answer 501 with the emulator's own code, in
// Storage's error shape, so that a reader learns it is a gap of Sandbase and not of their code.
function answerNotEmulated(name: keyof Services): Response {
  const service = name === 'storage' ? 'Storage' : name === 'functions' ? 'Edge Functions' : name
  return jsonResponse(501, {
    statusCode: '501',
    error: 'SBX01',
    message: `Sandbase does not emulate ${service} yet`,
  })
}
