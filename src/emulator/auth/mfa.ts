/**
 * TOTP multi-factor authentication: enroll (a real secret, its `otpauth://` URI and a QR
 * code as SVG, as GoTrue returns it), challenge, verify (a real TOTP check, which raises the
 * session to aal2) and unenroll. Phone and WebAuthn factors are not emulated.
 */
import qrcode from 'qrcode-generator'
import { Secret, TOTP } from 'otpauth'
import { jsonResponse } from '../http.ts'
import type { AuthRequest } from './context.ts'
import { readString } from './context.ts'
import { AuthError, badRequest, notFound, notYet, unprocessable } from './errors.ts'
import { requireUser, type Authenticated } from './guards.ts'
import { addAmrClaim, insertRefreshToken, issueTokens, writeAuditLog } from './sessions.ts'

interface FactorRow {
  id: string
  user_id: string
  friendly_name: string | null
  factor_type: 'totp' | 'phone' | 'webauthn'
  status: 'verified' | 'unverified'
  secret: string
}

interface ChallengeRow {
  id: string
  factor_id: string
  created_at: Date
  verified_at: Date | null
}

// GoTrue's default: a challenge must be verified within five minutes.
const CHALLENGE_LIFETIME_SECONDS = 300

/** Handles `POST /factors`. */
export async function handleEnroll(auth: AuthRequest): Promise<Response> {
  const signedIn = await requireUser(auth)
  const { user } = signedIn
  const factorType = readString(auth.body, 'factor_type')
  const friendlyName = readString(auth.body, 'friendly_name') ?? ''
  if (factorType === 'phone' || factorType === 'webauthn') {
    // Not yet: phone and WebAuthn factors; enrolling one answers 501 sandbase_not_yet.
    throw notYet(`MFA ${factorType} factors`)
  }
  if (factorType !== 'totp') {
    throw badRequest('validation_failed', 'factor_type needs to be totp, phone, or webauthn')
  }

  const { rows: factors } = await auth.sql.query<FactorRow>(
    'select * from auth.mfa_factors where user_id = $1',
    [user.id],
  )
  if (factors.some((factor) => factor.status === 'verified') && !isAal2(signedIn)) {
    throw unprocessable('insufficient_aal', 'AAL2 required to enroll a new factor')
  }
  if (friendlyName && factors.some((factor) => factor.friendly_name === friendlyName)) {
    throw unprocessable(
      'mfa_factor_name_conflict',
      `A factor with the friendly name "${friendlyName}" for this user already exists`,
    )
  }

  const issuer = readString(auth.body, 'issuer') || new URL(auth.settings.site_url).host
  const secret = new Secret({ size: 20 })
  const totp = new TOTP({ issuer, label: user.email || user.phone || user.id, secret })
  const uri = totp.toString()
  const { rows } = await auth.sql.query<FactorRow>(
    `insert into auth.mfa_factors (id, user_id, friendly_name, factor_type, status, created_at,
       updated_at, secret)
     values (gen_random_uuid(), $1, $2, 'totp', 'unverified', now(), now(), $3) returning *`,
    [user.id, friendlyName, secret.base32],
  )
  await writeAuditLog(auth, user, 'factor_in_progress', { factor_id: rows[0].id })

  return jsonResponse(200, {
    id: rows[0].id,
    type: 'totp',
    friendly_name: friendlyName,
    totp: { qr_code: drawQrCode(uri), secret: secret.base32, uri },
  })
}

/** Handles `POST /factors/<id>/challenge`. */
export async function handleChallenge(auth: AuthRequest): Promise<Response> {
  const { user } = await requireUser(auth)
  const factor = await findFactor(auth, user.id, auth.params[0])
  const { rows } = await auth.sql.query<ChallengeRow>(
    `insert into auth.mfa_challenges (id, factor_id, created_at)
     values (gen_random_uuid(), $1, now()) returning *`,
    [factor.id],
  )
  await auth.sql.query('update auth.mfa_factors set last_challenged_at = now() where id = $1', [
    factor.id,
  ])
  const expiresAt = Math.floor(rows[0].created_at.getTime() / 1000) + CHALLENGE_LIFETIME_SECONDS
  return jsonResponse(200, { id: rows[0].id, type: factor.factor_type, expires_at: expiresAt })
}

/** Handles `POST /factors/<id>/verify`: checks the code and upgrades the session to aal2. */
export async function handleVerifyFactor(auth: AuthRequest): Promise<Response> {
  const { user, session } = await requireUser(auth)
  const factor = await findFactor(auth, user.id, auth.params[0])
  const challengeId = readString(auth.body, 'challenge_id') ?? ''
  const code = readString(auth.body, 'code') ?? ''

  const { rows } = await auth.sql.query<ChallengeRow>(
    'select * from auth.mfa_challenges where id::text = $1 and factor_id = $2',
    [challengeId, factor.id],
  )
  const challenge = rows[0]
  if (!challenge || challenge.verified_at) {
    throw unprocessable(
      'mfa_factor_not_found',
      'MFA factor with the provided challenge ID not found',
    )
  }
  const age = auth.now.getTime() - challenge.created_at.getTime()
  if (age > CHALLENGE_LIFETIME_SECONDS * 1000) {
    await auth.sql.query('delete from auth.mfa_challenges where id = $1', [challenge.id])
    throw unprocessable(
      'mfa_challenge_expired',
      `MFA challenge ${challenge.id} has expired, verify against another challenge or create a new challenge.`,
    )
  }
  // One step either side, as GoTrue allows for clocks that drift.
  const totp = new TOTP({ secret: Secret.fromBase32(factor.secret) })
  if (totp.validate({ token: code, window: 1 }) === null) {
    throw unprocessable('mfa_verification_failed', 'Invalid TOTP code entered')
  }
  if (!session) throw new AuthError(403, 'session_not_found', 'Session not found')

  await auth.sql.query('update auth.mfa_challenges set verified_at = now() where id = $1', [
    challenge.id,
  ])
  await auth.sql.query(
    `update auth.mfa_factors set status = 'verified', updated_at = now() where id = $1`,
    [factor.id],
  )
  await auth.sql.query(
    `update auth.sessions set aal = 'aal2', factor_id = $2, updated_at = now() where id = $1`,
    [session.id, factor.id],
  )
  await addAmrClaim(auth, session.id, 'totp')
  await writeAuditLog(auth, user, 'verification_attempted', { factor_id: factor.id })

  const refreshToken = await insertRefreshToken(auth, user.id, session.id, null)
  const upgraded = { ...session, aal: 'aal2' as const, factor_id: factor.id }
  return jsonResponse(200, await issueTokens(auth, user.id, upgraded, refreshToken))
}

/** Handles `DELETE /factors/<id>`; a verified factor can only go from an aal2 session. */
export async function handleUnenroll(auth: AuthRequest): Promise<Response> {
  const signedIn = await requireUser(auth)
  const factor = await findFactor(auth, signedIn.user.id, auth.params[0])
  if (factor.status === 'verified' && !isAal2(signedIn)) {
    throw unprocessable('insufficient_aal', 'AAL2 required to unenroll verified factor')
  }
  await auth.sql.query('delete from auth.mfa_factors where id = $1', [factor.id])
  await writeAuditLog(auth, signedIn.user, 'factor_unenrolled', { factor_id: factor.id })
  return jsonResponse(200, { id: factor.id })
}

async function findFactor(auth: AuthRequest, userId: string, id: string): Promise<FactorRow> {
  const { rows } = await auth.sql.query<FactorRow>(
    'select * from auth.mfa_factors where id::text = $1 and user_id = $2',
    [id, userId],
  )
  if (!rows[0]) throw notFound('mfa_factor_not_found', 'Factor not found')
  return rows[0]
}

function isAal2({ session }: Authenticated): boolean {
  return session?.aal === 'aal2' || session?.aal === 'aal3'
}

/** The QR code of the `otpauth://` URI as an SVG document, what an authenticator app scans. */
function drawQrCode(uri: string): string {
  const qr = qrcode(0, 'M')
  qr.addData(uri)
  qr.make()
  return qr.createSvgTag({ cellSize: 4, margin: 4, scalable: true })
}
