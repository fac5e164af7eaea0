/**
 * Applying a confirmed change of email or phone: the address moves from `email_change` /
 * `phone_change` into place, the identity follows, and an anonymous user becomes permanent.
 */
import type { AuthRequest } from './context.ts'
import { addProvider, insertIdentity, type UserRow } from './users.ts'

/** Moves `email_change` into `email`, confirmed. */
export async function applyEmailChange(auth: AuthRequest, user: UserRow) {
  const email = user.email_change ?? ''
  await auth.sql.query(
    `update auth.users set email = $2, email_change = '', email_change_token_new = '',
       email_change_token_current = '', email_change_confirm_status = 0,
       email_confirmed_at = coalesce(email_confirmed_at, now()), is_anonymous = false,
       updated_at = now()
     where id = $1`,
    [user.id, email],
  )
  await auth.sql.query(
    `delete from auth.one_time_tokens where user_id = $1
       and token_type in ('email_change_token_new', 'email_change_token_current')`,
    [user.id],
  )
  const { rowCount } = await updateIdentity(auth, user.id, 'email', { email, email_verified: true })
  if (!rowCount) {
    await insertIdentity(auth.sql, user.id, 'email', user.id, {
      email,
      email_verified: true,
      phone_verified: false,
    })
    await makePermanent(auth, user, 'email')
  }
}

/** Moves `phone_change` into `phone`, confirmed. */
export async function applyPhoneChange(auth: AuthRequest, user: UserRow) {
  const phone = user.phone_change ?? ''
  await auth.sql.query(
    `update auth.users set phone = $2, phone_change = '', phone_change_token = '',
       phone_confirmed_at = now(), is_anonymous = false, updated_at = now()
     where id = $1`,
    [user.id, phone],
  )
  const { rowCount } = await updateIdentity(auth, user.id, 'phone', { phone, phone_verified: true })
  if (!rowCount) {
    await insertIdentity(auth.sql, user.id, 'phone', user.id, {
      phone,
      email_verified: false,
      phone_verified: true,
    })
    await makePermanent(auth, user, 'phone')
  }
}

async function updateIdentity(
  auth: AuthRequest,
  userId: string,
  provider: string,
  data: Record<string, unknown>,
) {
  const result = await auth.sql.query(
    `update auth.identities set identity_data = identity_data || $3::jsonb, updated_at = now()
     where user_id = $1 and provider = $2`,
    [userId, provider, data],
  )
  return { rowCount: result.affectedRows ?? 0 }
}

// An anonymous user that gains an address keeps its id; its provider becomes that address's.
async function makePermanent(auth: AuthRequest, user: UserRow, provider: string) {
  if (user.raw_app_meta_data?.provider === 'anonymous') {
    await auth.sql.query(
      `update auth.users set raw_app_meta_data = raw_app_meta_data || $2::jsonb where id = $1`,
      [user.id, { provider, providers: [provider] }],
    )
    return
  }
  await addProvider(auth.sql, user.id, provider)
}
