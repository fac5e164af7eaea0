/**
 * The redirect flows: `GET /authorize` (OAuth), `POST /sso` and `GET /user/identities/authorize`
 * send the browser to the stand-in provider's consent step,
 * `/auth/v1/__sandbase/consent?state=...` (Sandbase's own path, which the page renders or a
 * lesson approves), which returns to GoTrue's `GET /callback` like a real provider; that ends
 * with a redirect carrying the session in the fragment, or `?code=` in the PKCE flow.
 */
import { createResponse, jsonResponse } from '../http.ts'
import type { AuthRequest } from './context.ts'
import { readString } from './context.ts'
import { AuthError, badRequest } from './errors.ts'
import { requireUser } from './guards.ts'
import {
  createFlowState,
  issueAuthCode,
  parseChallenge,
  readChallenge,
  type FlowState,
} from './pkce.ts'
import { readRedirect, withQuery } from './one-time-tokens.ts'
import { findOrCreateUser, methodOf, requireManualLinking } from './providers.ts'
import { startSession } from './sessions.ts'
import { OAUTH_PROVIDERS } from './settings.ts'
import {
  deriveSsoProviderId,
  deriveSubject,
  readState,
  signStandIn,
  verifyStandIn,
  type OAuthState,
} from './stand-in-provider.ts'
import type { UserRow } from './users.ts'
import { validateEmail } from './validate.ts'

/** Handles `GET /authorize?provider=...`. */
export async function handleAuthorize(auth: AuthRequest): Promise<Response> {
  const provider = auth.query.get('provider') ?? ''
  if (!OAUTH_PROVIDERS.includes(provider)) {
    throw badRequest(
      'validation_failed',
      `Unsupported provider: Provider ${provider} could not be found`,
    )
  }
  const url = await startConsent(auth, provider, null)
  if (auth.query.get('skip_http_redirect') === 'true') return jsonResponse(200, { url })
  return createResponse(302, null, { location: url })
}

/** Handles `GET /user/identities/authorize`: the same consent step, for the signed-in user. */
export async function handleLinkIdentity(auth: AuthRequest): Promise<Response> {
  const { user } = await requireUser(auth)
  requireManualLinking(auth)
  const provider = auth.query.get('provider') ?? ''
  if (!OAUTH_PROVIDERS.includes(provider)) {
    throw badRequest(
      'validation_failed',
      `Unsupported provider: Provider ${provider} could not be found`,
    )
  }
  return jsonResponse(200, { url: await startConsent(auth, provider, user.id) })
}

/** Handles `POST /sso` with a `domain` or `provider_id`; any domain has a stand-in IdP. */
export async function handleSso(auth: AuthRequest): Promise<Response> {
  const domain = readString(auth.body, 'domain')
  const providerId = readString(auth.body, 'provider_id')
  if (!domain && !providerId) {
    throw badRequest('validation_failed', 'A provider_id or domain needs to be provided')
  }
  // Not yet: SSO providers registered through the admin API; every domain has a stand-in.
  const id = providerId ?? (await deriveSsoProviderId(domain ?? ''))
  const url = await startConsent(auth, `sso:${id}`, null, readChallenge(auth.body))
  if (auth.body.skip_http_redirect === true) return jsonResponse(200, { url })
  return createResponse(303, null, { location: url })
}

async function startConsent(
  auth: AuthRequest,
  provider: string,
  linkingTargetId: string | null,
  challenge = parseChallenge(
    auth.query.get('code_challenge'),
    auth.query.get('code_challenge_method'),
  ),
): Promise<string> {
  const flow = challenge
    ? await createFlowState(auth, challenge, provider, methodOf(provider), null)
    : null
  const state: OAuthState = {
    provider,
    redirect_to: readRedirect(auth),
    flow_state_id: flow?.id ?? null,
    linking_target_id: linkingTargetId,
    scopes: auth.query.get('scopes') ?? '',
  }
  const signed = await signStandIn(auth, { ...state }, 600)
  return `${auth.baseUrl}/__sandbase/consent?${new URLSearchParams({ provider, state: signed })}`
}

/**
 * `GET /__sandbase/consent?state=...` (Sandbase's own): what the consent screen shows, and
 * where approving or denying goes. Approve takes `email` and `name` for the stand-in profile.
 */
export async function handleConsent(auth: AuthRequest): Promise<Response> {
  const stateParam = auth.query.get('state')
  const state = await readState(auth, stateParam)
  const query = new URLSearchParams({ state: stateParam ?? '' })
  const suggested = `${state.provider.replace(/^sso:.*/, 'sso')}.user@example.com`
  return jsonResponse(200, {
    provider: state.provider,
    scopes: state.scopes,
    redirect_to: state.redirect_to,
    suggested_email: suggested,
    is_linking: state.linking_target_id !== null,
    approve_url: `${auth.baseUrl}/__sandbase/consent/approve?${query}`,
    deny_url: `${auth.baseUrl}/__sandbase/consent/deny?${query}`,
  })
}

/** `GET /__sandbase/consent/approve|deny`: the provider's redirect back to `/callback`. */
export async function handleConsentDecision(auth: AuthRequest): Promise<Response> {
  const stateParam = auth.query.get('state') ?? ''
  const state = await readState(auth, stateParam)
  const callback = new URLSearchParams({ state: stateParam })

  if (auth.params[0] === 'deny') {
    callback.set('error', 'access_denied')
    callback.set('error_description', 'The user denied the request')
  } else {
    const email = validateEmail(
      auth.query.get('email') || `${state.provider.split(':')[0]}.user@example.com`,
    )
    const profile = {
      provider: state.provider,
      sub: await deriveSubject(state.provider, email),
      email,
      name: auth.query.get('name') || email.split('@')[0],
    }
    callback.set('code', await signStandIn(auth, profile, 600))
  }
  return createResponse(302, null, { location: `${auth.baseUrl}/callback?${callback}` })
}

/** Handles `GET /callback`, where the provider sends the browser back. */
export async function handleCallback(auth: AuthRequest): Promise<Response> {
  let state: OAuthState | null = null
  try {
    state = await readState(auth, auth.query.get('state'))
    const error = auth.query.get('error')
    if (error) throw new AuthError(403, error, auth.query.get('error_description') ?? error)
    const profile = await verifyStandIn(auth, auth.query.get('code') ?? '')
    if (!profile)
      throw badRequest('bad_oauth_callback', 'OAuth callback with missing authorization code')

    const linkTo = state.linking_target_id
      ? await requireLinkTarget(auth, state.linking_target_id)
      : null
    const user = await findOrCreateUser(auth, profile as never, linkTo)
    const flow = await loadFlow(auth, state.flow_state_id)
    if (flow) {
      const code = await issueAuthCode(auth, flow, user.id)
      return createResponse(302, null, { location: withQuery(state.redirect_to, 'code', code) })
    }

    const session = await startSession(auth, user, methodOf(state.provider))
    const fragment = new URLSearchParams({
      access_token: session.access_token,
      expires_at: String(session.expires_at),
      expires_in: String(session.expires_in),
      provider_token: `sandbase-${state.provider}-token`,
      refresh_token: session.refresh_token,
      token_type: 'bearer',
    })
    return createResponse(302, null, { location: `${state.redirect_to}#${fragment}` })
  } catch (error) {
    if (!(error instanceof AuthError) || !state) throw error
    const details = new URLSearchParams({
      error: error.code === 'access_denied' ? 'access_denied' : 'server_error',
      error_code: error.code,
      error_description: error.message,
    })
    return createResponse(302, null, { location: withErrorDetails(state.redirect_to, details) })
  }
}

// As GoTrue does, in both flows: the error in the query (which a server route of the PKCE
// flow reads) and again in the fragment (which the implicit flow's page reads).
function withErrorDetails(redirectTo: string, details: URLSearchParams): string {
  let target: URL
  try {
    target = new URL(redirectTo)
  } catch {
    return `${redirectTo}#${details}`
  }
  details.forEach((value, name) => target.searchParams.set(name, value))
  target.hash = details.toString()
  return target.href
}

async function requireLinkTarget(auth: AuthRequest, userId: string) {
  const { rows } = await auth.sql.query<UserRow>('select * from auth.users where id = $1', [userId])
  if (!rows[0]) throw new AuthError(404, 'user_not_found', 'User not found')
  return rows[0]
}

async function loadFlow(auth: AuthRequest, id: string | null): Promise<FlowState | null> {
  if (!id) return null
  const { rows } = await auth.sql.query<FlowState>('select * from auth.flow_state where id = $1', [
    id,
  ])
  return rows[0] ?? null
}
