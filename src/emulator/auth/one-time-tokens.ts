/**
 * Codes sent by email or text. As in GoTrue, the user row keeps only the hash of address and
 * code (in `confirmation_token`, `recovery_token`, ...) with the time it was sent, mirrored in
 * `auth.one_time_tokens`; a link carries that hash, a reader types the code.
 */
import type { AuthRequest } from './context.ts'
import { createOtp, hashToken } from './crypto.ts'
import { composeEmail, composeSms, type MessageKind } from './inbox.ts'
import type { UserRow } from './users.ts'

export type TokenType =
  | 'confirmation_token'
  | 'recovery_token'
  | 'email_change_token_new'
  | 'email_change_token_current'
  | 'phone_change_token'
  | 'reauthentication_token'

const SENT_AT: Record<TokenType, string> = {
  confirmation_token: 'confirmation_sent_at',
  recovery_token: 'recovery_sent_at',
  email_change_token_new: 'email_change_sent_at',
  email_change_token_current: 'email_change_sent_at',
  phone_change_token: 'phone_change_sent_at',
  reauthentication_token: 'reauthentication_sent_at',
}

/** Makes a code for a user, stores its hash, and returns both. */
export async function issueToken(
  auth: AuthRequest,
  user: UserRow,
  type: TokenType,
  address: string,
  length = auth.settings.mailer_otp_length,
): Promise<{ otp: string; hash: string }> {
  const otp = createOtp(length)
  const hash = await hashToken(address, otp)
  await auth.sql.query(
    `update auth.users set ${type} = $2, ${SENT_AT[type]} = now(), updated_at = now()
     where id = $1`,
    [user.id, hash],
  )
  await auth.sql.query(
    `insert into auth.one_time_tokens (user_id, token_type, token_hash, relates_to)
     values ($1, $2, $3, $4)
     on conflict (user_id, token_type) do update
       set token_hash = excluded.token_hash, relates_to = excluded.relates_to,
           updated_at = now()`,
    [user.id, type, hash, address],
  )
  return { otp, hash }
}

/** Forgets a used code, so it cannot be used twice. */
export async function clearToken(auth: AuthRequest, userId: string, type: TokenType) {
  await auth.sql.query(`update auth.users set ${type} = '' where id = $1`, [userId])
  await auth.sql.query('delete from auth.one_time_tokens where user_id = $1 and token_type = $2', [
    userId,
    type,
  ])
}

/** Whether a stored hash matches and was sent less than `lifetime` seconds ago. */
export function isTokenValid(
  user: UserRow,
  type: TokenType,
  hash: string,
  lifetime: number,
  now: Date,
): boolean {
  const stored = user[type]
  const sentAt = user[SENT_AT[type] as keyof UserRow] as Date | null
  if (!stored || stored !== hash || !sentAt) return false
  return now.getTime() - sentAt.getTime() <= lifetime * 1000
}

/** Where a link should send the reader back to: `redirect_to`, else the site URL. */
export function readRedirect(auth: AuthRequest): string {
  // Not yet: GoTrue's redirect allow list; any redirect_to (mobile deep links included) is
  // accepted as given, except the schemes below.
  const fromBody = typeof auth.body.redirect_to === 'string' ? auth.body.redirect_to : ''
  const requested = auth.query.get('redirect_to') || fromBody
  // GoTrue falls back to the site URL for a target it does not allow; at least never send
  // tokens to a URL that runs script or holds a document.
  return requested && !hasScriptScheme(requested) ? requested : auth.settings.site_url
}

function hasScriptScheme(target: string): boolean {
  return /^\s*(javascript|data|vbscript|blob|file):/i.test(target)
}

/** Adds a query parameter to a redirect target, which need not be an absolute URL. */
export function withQuery(target: string, name: string, value: string): string {
  const [beforeHash, hash] = target.split('#', 2)
  const separator = beforeHash.includes('?') ? '&' : '?'
  const param = new URLSearchParams({ [name]: value })
  return `${beforeHash}${separator}${param}${hash === undefined ? '' : `#${hash}`}`
}

/** GoTrue's link: `/verify` with the token hash, the type and where to go afterwards. */
export function buildVerifyLink(auth: AuthRequest, hash: string, type: string, redirectTo: string) {
  const params = new URLSearchParams({ token: hash, type, redirect_to: redirectTo })
  return `${auth.baseUrl}/verify?${params}`
}

const LINK_TYPES: Partial<Record<MessageKind, string>> = {
  confirmation: 'signup',
  invite: 'invite',
  magiclink: 'magiclink',
  recovery: 'recovery',
  email_change_current: 'email_change',
  email_change_new: 'email_change',
}

const TOKEN_OF: Record<MessageKind, TokenType> = {
  confirmation: 'confirmation_token',
  invite: 'confirmation_token',
  magiclink: 'recovery_token',
  recovery: 'recovery_token',
  email_change_current: 'email_change_token_current',
  email_change_new: 'email_change_token_new',
  reauthentication: 'reauthentication_token',
  sms_otp: 'confirmation_token',
  phone_change: 'phone_change_token',
}

/**
 * Issues the code behind an email and puts the email, with its link, in the outbox.
 * Not yet: GoTrue's limit of one email per address per 60 seconds (429
 * `over_email_send_rate_limit`); every request here sends at once.
 */
export async function sendEmail(
  auth: AuthRequest,
  user: UserRow,
  kind: MessageKind,
  to: string,
  redirectTo = readRedirect(auth),
) {
  const { otp, hash } = await issueToken(auth, user, TOKEN_OF[kind], to)
  const linkType = LINK_TYPES[kind]
  const link = linkType ? buildVerifyLink(auth, hash, linkType, redirectTo) : undefined
  auth.outbox.push(composeEmail(kind, to, otp, link))
  return { otp, hash, link }
}

/** Issues a code and texts it; the phone is stored as digits, texted in E.164. */
export async function sendSms(
  auth: AuthRequest,
  user: UserRow,
  kind: 'sms_otp' | 'phone_change' | 'reauthentication',
  phone: string,
) {
  const { otp } = await issueToken(auth, user, TOKEN_OF[kind], phone, 6)
  auth.outbox.push(composeSms(kind, `+${phone}`, otp))
  return otp
}
