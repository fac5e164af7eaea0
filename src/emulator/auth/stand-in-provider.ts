/**
 * Sandbase's stand-in identity provider, in place of GitHub, Google, a SAML IdP and the rest:
 * nothing leaves the page. It signs three things with a key of its own (derived from the
 * project's secret): the `state` GoTrue round-trips through a provider, the provider's
 * authorization `code`, and ID tokens for `signInWithIdToken`.
 */
import { SignJWT, jwtVerify } from 'jose'
import type { AuthRequest } from './context.ts'
import { badRequest } from './errors.ts'
import { sha256Hex } from './crypto.ts'

export interface OAuthState {
  provider: string
  redirect_to: string
  flow_state_id: string | null
  /** Set when a signed-in user is linking another identity. */
  linking_target_id: string | null
  scopes: string
}

export interface ProviderProfile {
  provider: string
  sub: string
  email: string
  name: string
}

const encoder = new TextEncoder()

function keyOf(auth: AuthRequest): Uint8Array {
  return encoder.encode(`sandbase-stand-in-provider:${auth.service.keys.jwtSecret}`)
}

/** Signs claims with the stand-in provider's key, valid for `seconds`. */
export async function signStandIn(
  auth: AuthRequest,
  claims: Record<string, unknown>,
  seconds: number,
): Promise<string> {
  const now = Math.floor(auth.now.getTime() / 1000)
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(now)
    .setExpirationTime(now + seconds)
    .sign(keyOf(auth))
}

/** Verifies something the stand-in signed; `null` when it was not, or has expired. */
export async function verifyStandIn(
  auth: AuthRequest,
  token: string,
): Promise<Record<string, unknown> | null> {
  try {
    const { payload } = await jwtVerify(token, keyOf(auth), { algorithms: ['HS256'] })
    return payload as Record<string, unknown>
  } catch {
    return null
  }
}

/** Reads a `state` back, failing as GoTrue does for one it did not issue. */
export async function readState(auth: AuthRequest, state: string | null): Promise<OAuthState> {
  const claims = state ? await verifyStandIn(auth, state) : null
  if (!claims || typeof claims.provider !== 'string') {
    throw badRequest('bad_oauth_state', 'OAuth state parameter is invalid')
  }
  return claims as unknown as OAuthState
}

/** The provider-side user id for an email: stable, so signing in twice finds the identity. */
export async function deriveSubject(provider: string, email: string): Promise<string> {
  return (await sha256Hex(`${provider}:${email.toLowerCase()}`)).slice(0, 20)
}

/** A UUID derived from a domain, standing in for an SSO provider's id. */
export async function deriveSsoProviderId(domain: string): Promise<string> {
  const hex = await sha256Hex(`sso:${domain.toLowerCase()}`)
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    `4${hex.slice(13, 16)}`,
    `a${hex.slice(17, 20)}`,
    hex.slice(20, 32),
  ].join('-')
}

/** The claims GoTrue stores as `identity_data` (and copies into `user_metadata`). */
export function toIdentityData(auth: AuthRequest, profile: ProviderProfile) {
  return {
    iss: `${auth.baseUrl}/__sandbase/provider/${profile.provider}`,
    sub: profile.sub,
    provider_id: profile.sub,
    email: profile.email,
    email_verified: true,
    phone_verified: false,
    name: profile.name,
    full_name: profile.name,
  }
}
