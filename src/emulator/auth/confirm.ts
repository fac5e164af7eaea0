/** Confirming an address: the timestamps GoTrue sets and the `*_verified` flags it flips. */
import type { AuthRequest } from './context.ts'
import type { UserRow } from './users.ts'

/** Marks the user's email as confirmed (once) and its identity as verified. */
export async function confirmEmail(auth: AuthRequest, user: UserRow) {
  await auth.sql.query(
    `update auth.users set email_confirmed_at = coalesce(email_confirmed_at, now()),
       confirmation_token = '', updated_at = now(),
       raw_user_meta_data = case when raw_user_meta_data ? 'email_verified'
         then raw_user_meta_data || '{"email_verified": true}' else raw_user_meta_data end
     where id = $1`,
    [user.id],
  )
  await auth.sql.query(
    `update auth.identities set identity_data = identity_data || '{"email_verified": true}',
       updated_at = now()
     where user_id = $1 and provider = 'email'`,
    [user.id],
  )
  await auth.sql.query(
    `delete from auth.one_time_tokens where user_id = $1 and token_type = 'confirmation_token'`,
    [user.id],
  )
}

/** Marks the user's phone as confirmed (once) and its identity as verified. */
export async function confirmPhone(auth: AuthRequest, user: UserRow) {
  await auth.sql.query(
    `update auth.users set phone_confirmed_at = coalesce(phone_confirmed_at, now()),
       confirmation_token = '', updated_at = now(),
       raw_user_meta_data = case when raw_user_meta_data ? 'phone_verified'
         then raw_user_meta_data || '{"phone_verified": true}' else raw_user_meta_data end
     where id = $1`,
    [user.id],
  )
  await auth.sql.query(
    `update auth.identities set identity_data = identity_data || '{"phone_verified": true}',
       updated_at = now()
     where user_id = $1 and provider = 'phone'`,
    [user.id],
  )
  await auth.sql.query(
    `delete from auth.one_time_tokens where user_id = $1 and token_type = 'confirmation_token'`,
    [user.id],
  )
}
