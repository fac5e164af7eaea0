/**
 * Third-party identities: finding or creating the user behind a provider's profile (with
 * GoTrue's automatic linking by verified email), linking and unlinking identities, and the
 * `id_token` grant, whose tokens come from the stand-in provider.
 */
import { jsonResponse } from '../http.ts'
import type { AuthRequest } from './context.ts'
import { readBoolean, readString } from './context.ts'
import { sha256Hex } from './crypto.ts'
import { badRequest, notFound, unprocessable } from './errors.ts'
import { requireUser } from './guards.ts'
import { startSession, type AuthMethod } from './sessions.ts'
import {
  deriveSubject,
  signStandIn,
  toIdentityData,
  verifyStandIn,
  type ProviderProfile,
} from './stand-in-provider.ts'
import {
  addProvider,
  findUser,
  insertIdentity,
  insertUser,
  reloadUser,
  type IdentityRow,
  type UserRow,
} from './users.ts'
import { validateEmail } from './validate.ts'

/**
 * The user a provider profile signs in: the identity's owner, else (not for SSO) the user
 * with that email, who gains the identity, else a new user.
 */
export async function findOrCreateUser(
  auth: AuthRequest,
  profile: ProviderProfile,
  linkTo: UserRow | null = null,
): Promise<UserRow> {
  const { sql } = auth
  const identityData = toIdentityData(auth, profile)
  const { rows } = await sql.query<IdentityRow>(
    'select * from auth.identities where provider_id = $1 and provider = $2',
    [profile.sub, profile.provider],
  )
  const identity = rows[0]
  if (identity) {
    if (linkTo && identity.user_id !== linkTo.id) {
      throw unprocessable('identity_already_exists', 'Identity is already linked to another user')
    }
    await sql.query(
      'update auth.identities set identity_data = $2, updated_at = now() where id = $1',
      [identity.id, identityData],
    )
    return reloadUser(sql, identity.user_id)
  }

  const isSso = profile.provider.startsWith('sso:')
  const owner = linkTo ?? (isSso ? null : await findUser(sql, 'email', profile.email))
  if (owner) {
    await insertIdentity(sql, owner.id, profile.provider, profile.sub, identityData)
    await addProvider(sql, owner.id, profile.provider)
    await sql.query(
      'update auth.users set email_confirmed_at = coalesce(email_confirmed_at, now()) where id = $1',
      [owner.id],
    )
    return reloadUser(sql, owner.id)
  }

  if (auth.settings.disable_signup) {
    throw unprocessable('signup_disabled', 'Signups not allowed for this instance')
  }
  const user = await insertUser(sql, {
    email: profile.email,
    provider: profile.provider,
    userMetadata: identityData,
    isSsoUser: isSso,
  })
  await insertIdentity(sql, user.id, profile.provider, profile.sub, identityData)
  await sql.query('update auth.users set email_confirmed_at = now() where id = $1', [user.id])
  return reloadUser(sql, user.id)
}

/** The amr a provider sign-in records. */
export function methodOf(provider: string): AuthMethod {
  return provider.startsWith('sso:') ? 'sso/saml' : 'oauth'
}

/** Handles `POST /token?grant_type=id_token`. */
export async function handleIdTokenGrant(auth: AuthRequest): Promise<Response> {
  const { body } = auth
  const provider = readString(body, 'provider')
  const idToken = readString(body, 'id_token')
  const nonce = readString(body, 'nonce')
  if (!idToken) throw badRequest('validation_failed', 'id_token required')
  if (!provider) throw badRequest('validation_failed', 'provider or client_id and issuer required')

  const claims = await verifyStandIn(auth, idToken)
  if (!claims || claims.provider !== provider) {
    throw badRequest('validation_failed', 'Bad ID token')
  }
  const hashedNonce = claims.nonce
  if (Boolean(hashedNonce) !== Boolean(nonce)) {
    throw badRequest(
      'validation_failed',
      'Passed nonce and nonce in id_token should either both exist or not.',
    )
  }
  if (nonce && (await sha256Hex(nonce)) !== hashedNonce) {
    throw badRequest('validation_failed', 'Nonces mismatch')
  }

  const profile = claims as unknown as ProviderProfile
  const linkTo = readBoolean(body, 'link_identity') ? (await requireUser(auth)).user : null
  const user = await findOrCreateUser(auth, { ...profile, provider }, linkTo)
  return jsonResponse(200, await startSession(auth, user, 'oauth'))
}

/**
 * `POST /auth/v1/__sandbase/id_token` (Sandbase's own): what Google's or Apple's SDK would
 * hand an app, an ID token for `{ provider, email, name?, nonce? }`; the nonce goes in hashed.
 */
export async function handleMintIdToken(auth: AuthRequest): Promise<Response> {
  const provider = readString(auth.body, 'provider') || 'google'
  const email = validateEmail(readString(auth.body, 'email'))
  const nonce = readString(auth.body, 'nonce')
  const claims = {
    iss: `${auth.baseUrl}/__sandbase/provider/${provider}`,
    aud: 'sandbase',
    provider,
    sub: await deriveSubject(provider, email),
    email,
    email_verified: true,
    name: readString(auth.body, 'name') || email.split('@')[0],
    ...(nonce ? { nonce: await sha256Hex(nonce) } : {}),
  }
  return jsonResponse(200, { id_token: await signStandIn(auth, claims, 3600) })
}

/** Handles `DELETE /user/identities/<identity id>`. */
export async function handleUnlinkIdentity(auth: AuthRequest): Promise<Response> {
  const { user } = await requireUser(auth)
  requireManualLinking(auth)
  const { rows } = await auth.sql.query<IdentityRow>(
    'select * from auth.identities where user_id = $1 order by created_at',
    [user.id],
  )
  const identity = rows.find((row) => row.id === auth.params[0])
  if (!identity) throw notFound('identity_not_found', "Identity doesn't exist")
  if (rows.length <= 1) {
    throw unprocessable(
      'single_identity_not_deletable',
      'User must have at least 1 identity after unlinking',
    )
  }

  await auth.sql.query('delete from auth.identities where id = $1', [identity.id])
  const remaining = rows.filter((row) => row.id !== identity.id).map((row) => row.provider)
  const providers = [...new Set(remaining)]
  const app = user.raw_app_meta_data ?? {}
  const provider = providers.includes(app.provider as string) ? app.provider : providers[0]
  await auth.sql.query(
    `update auth.users set raw_app_meta_data = raw_app_meta_data || $2::jsonb, updated_at = now()
     where id = $1`,
    [user.id, { provider, providers }],
  )
  return jsonResponse(200, {})
}

/** Fails as GoTrue does when the project has manual linking off. */
export function requireManualLinking(auth: AuthRequest) {
  if (!auth.settings.security_manual_linking_enabled) {
    throw notFound('manual_linking_disabled', 'Manual linking is disabled')
  }
}
