/** Confirming an address: the timestamps GoTrue sets and the `*_verified` flags it flips. */
import type { AuthRequest } from './context.ts'
import type { UserRow } from './users.ts'

// The columns and keys of each channel; fixed here, so they are safe to write into the SQL.
const CHANNELS = {
  email: { confirmedAt: 'email_confirmed_at', verified: 'email_verified', provider: 'email' },
  phone: { confirmedAt: 'phone_confirmed_at', verified: 'phone_verified', provider: 'phone' },
} as const

/** Marks the user's email as confirmed (once) and its identity as verified. */
export function confirmEmail(auth: AuthRequest, user: UserRow) {
  return confirmChannel(auth, user, 'email')
}

/** Marks the user's phone as confirmed (once) and its identity as verified. */
export function confirmPhone(auth: AuthRequest, user: UserRow) {
  return confirmChannel(auth, user, 'phone')
}

async function confirmChannel(auth: AuthRequest, user: UserRow, channel: keyof typeof CHANNELS) {
  const { confirmedAt, verified, provider } = CHANNELS[channel]
  const flag = JSON.stringify({ [verified]: true })

  await auth.sql.query(
    `update auth.users set ${confirmedAt} = coalesce(${confirmedAt}, now()),
       confirmation_token = '', updated_at = now(),
       raw_user_meta_data = case when raw_user_meta_data ? '${verified}'
         then raw_user_meta_data || '${flag}' else raw_user_meta_data end
     where id = $1`,
    [user.id],
  )
  await auth.sql.query(
    `update auth.identities set identity_data = identity_data || '${flag}',
       updated_at = now()
     where user_id = $1 and provider = '${provider}'`,
    [user.id],
  )
  await auth.sql.query(
    `delete from auth.one_time_tokens where user_id = $1 and token_type = 'confirmation_token'`,
    [user.id],
  )
}
