/** GoTrue's endpoints under `/auth/v1`, each a method, a path pattern and its handler. */
import { jsonResponse } from '../http.ts'
import type { AuthHandler } from './context.ts'
import { readSettings, toSettingsBody } from './settings.ts'
import { handleSignup } from './signup.ts'
import { handleToken } from './token.ts'
import { handleGetUser, handleLogout, handleReauthenticate, handleUpdateUser } from './user.ts'
import { handleOtp, handleRecover, handleResend } from './otp.ts'
import { handleVerifyGet, handleVerifyPost } from './verify.ts'
import {
  handleAdminCreateUser,
  handleAdminDeleteUser,
  handleAdminGetUser,
  handleAdminListUsers,
  handleAdminUpdateUser,
} from './admin-users.ts'
import {
  handleAdminDeleteFactor,
  handleAdminListFactors,
  handleGenerateLink,
  handleInvite,
} from './admin-links.ts'
import { handleChallenge, handleEnroll, handleUnenroll, handleVerifyFactor } from './mfa.ts'
import {
  handleAuthorize,
  handleCallback,
  handleConsent,
  handleConsentDecision,
  handleLinkIdentity,
  handleSso,
} from './oauth.ts'
import { handleMintIdToken, handleUnlinkIdentity } from './providers.ts'

type Route = [method: string, pattern: RegExp, handler: AuthHandler]

const ID = '([^/]+)'

const handleSettings: AuthHandler = async ({ sql }) =>
  jsonResponse(200, toSettingsBody(await readSettings(sql)))

const ROUTES: Route[] = [
  ['GET', /^\/settings$/, handleSettings],
  ['GET', /^\/health$/, async () => jsonResponse(200, { name: 'GoTrue', description: 'Sandbase' })],
  ['POST', /^\/signup$/, handleSignup],
  ['POST', /^\/token$/, handleToken],
  ['POST', /^\/otp$/, handleOtp],
  ['POST', /^\/magiclink$/, handleOtp],
  ['POST', /^\/verify$/, handleVerifyPost],
  ['GET', /^\/verify$/, handleVerifyGet],
  ['POST', /^\/recover$/, handleRecover],
  ['POST', /^\/resend$/, handleResend],
  ['GET', /^\/user$/, handleGetUser],
  ['PUT', /^\/user$/, handleUpdateUser],
  ['GET', /^\/reauthenticate$/, handleReauthenticate],
  ['POST', /^\/logout$/, handleLogout],
  ['GET', /^\/authorize$/, handleAuthorize],
  ['GET', /^\/callback$/, handleCallback],
  ['POST', /^\/sso$/, handleSso],
  ['GET', /^\/user\/identities\/authorize$/, handleLinkIdentity],
  ['DELETE', new RegExp(`^/user/identities/${ID}$`), handleUnlinkIdentity],
  ['POST', /^\/factors$/, handleEnroll],
  ['POST', new RegExp(`^/factors/${ID}/challenge$`), handleChallenge],
  ['POST', new RegExp(`^/factors/${ID}/verify$`), handleVerifyFactor],
  ['DELETE', new RegExp(`^/factors/${ID}$`), handleUnenroll],
  ['POST', /^\/invite$/, handleInvite],
  ['POST', /^\/admin\/generate_link$/, handleGenerateLink],
  ['GET', /^\/admin\/users$/, handleAdminListUsers],
  ['POST', /^\/admin\/users$/, handleAdminCreateUser],
  ['GET', new RegExp(`^/admin/users/${ID}$`), handleAdminGetUser],
  ['PUT', new RegExp(`^/admin/users/${ID}$`), handleAdminUpdateUser],
  ['DELETE', new RegExp(`^/admin/users/${ID}$`), handleAdminDeleteUser],
  ['GET', new RegExp(`^/admin/users/${ID}/factors$`), handleAdminListFactors],
  ['DELETE', new RegExp(`^/admin/users/${ID}/factors/${ID}$`), handleAdminDeleteFactor],
  // Sandbase's own stand-in provider: the consent step of OAuth and SSO, and ID tokens.
  ['GET', /^\/__sandbase\/consent$/, handleConsent],
  ['GET', /^\/__sandbase\/consent\/(approve|deny)$/, handleConsentDecision],
  ['POST', /^\/__sandbase\/id_token$/, handleMintIdToken],
]

// Not yet: passkeys, the OAuth 2.1 server (/oauth, /admin/oauth), custom providers, the SSO
// and audit admin APIs, SAML metadata and JWKS. GoTrue has them; Sandbase answers each with
// its own 501 `sandbase_not_yet` rather than a 404.
const NOT_YET = [
  /^\/passkeys/,
  /^\/oauth\//,
  /^\/user\/oauth/,
  /^\/admin\/oauth/,
  /^\/admin\/custom-providers/,
  /^\/admin\/sso/,
  /^\/admin\/users\/[^/]+\/passkeys/,
  /^\/admin\/audit/,
  /^\/sso\/saml/,
  /^\/\.well-known\//,
]

export type RouteMatch =
  | { kind: 'route'; handler: AuthHandler; params: string[] }
  | { kind: 'not-yet' }
  | { kind: 'method-not-allowed' }
  | { kind: 'not-found' }

/** Finds the handler for a method and a path below `/auth/v1`. */
export function matchRoute(method: string, path: string): RouteMatch {
  let isPathKnown = false
  for (const [routeMethod, pattern, handler] of ROUTES) {
    const match = pattern.exec(path)
    if (!match) continue
    isPathKnown = true
    if (routeMethod === method) {
      return { kind: 'route', handler, params: match.slice(1).map(decodeSafely) }
    }
  }
  if (isPathKnown) return { kind: 'method-not-allowed' }
  if (NOT_YET.some((pattern) => pattern.test(path))) return { kind: 'not-yet' }
  return { kind: 'not-found' }
}

function decodeSafely(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}
