/**
 * `/admin/users`: what the service_role key may do to any user. Every handler first checks
 * the bearer token's role, so the anon key or a user's token gets GoTrue's 403 `not_admin`.
 */
import { jsonResponse } from '../http.ts'
import type { AuthRequest } from './context.ts'
import { readBoolean, readObject, readString } from './context.ts'
import { hashPassword } from './crypto.ts'
import { badRequest, notFound, unprocessable } from './errors.ts'
import { requireAdmin } from './guards.ts'
import { parseDuration } from './duration.ts'
import {
  findUser,
  insertIdentity,
  insertUser,
  reloadUser,
  toUserJson,
  type UserRow,
} from './users.ts'
import { validateEmail, validatePassword, validatePhone } from './validate.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Handles `GET /admin/users?page=&per_page=`, with GoTrue's `X-Total-Count` and `Link`. */
export async function handleAdminListUsers(auth: AuthRequest): Promise<Response> {
  await requireAdmin(auth)
  const page = Math.max(1, Number.parseInt(auth.query.get('page') || '1', 10) || 1)
  const perPage = Math.max(1, Number.parseInt(auth.query.get('per_page') || '50', 10) || 50)

  const { rows: counted } = await auth.sql.query<{ total: number }>(
    'select count(*)::int as total from auth.users',
  )
  const total = counted[0].total
  const { rows } = await auth.sql.query<UserRow>(
    'select * from auth.users order by created_at desc, id limit $1 offset $2',
    [perPage, (page - 1) * perPage],
  )
  const users = []
  for (const user of rows) users.push(await toUserJson(auth.sql, user))

  const lastPage = Math.ceil(total / perPage)
  const link = (target: number, rel: string) =>
    `</admin/users?page=${target}&per_page=${perPage}>; rel="${rel}"`
  const links = page < lastPage ? [link(page + 1, 'next')] : []
  links.push(link(lastPage, 'last'))

  return jsonResponse(
    200,
    { users, aud: 'authenticated' },
    { 'x-total-count': String(total), link: links.join(', ') },
  )
}

/** Handles `GET /admin/users/<id>`; a soft-deleted user is still found, with `deleted_at`. */
export async function handleAdminGetUser(auth: AuthRequest): Promise<Response> {
  await requireAdmin(auth)
  const user = await loadUser(auth, auth.params[0])
  return jsonResponse(200, await toUserJson(auth.sql, user))
}

/** Handles `POST /admin/users`. */
export async function handleAdminCreateUser(auth: AuthRequest): Promise<Response> {
  await requireAdmin(auth)
  const { body, sql } = auth
  const rawEmail = readString(body, 'email')
  const rawPhone = readString(body, 'phone')
  const password = readString(body, 'password')
  if (!rawEmail && !rawPhone) {
    throw badRequest('validation_failed', 'Cannot create a user without either an email or phone')
  }
  const email = rawEmail ? validateEmail(rawEmail) : undefined
  const phone = rawPhone ? validatePhone(rawPhone) : undefined
  if (email && (await findUser(sql, 'email', email))) throw emailExists()
  if (phone && (await findUser(sql, 'phone', phone))) throw phoneExists()
  if (password) validatePassword(password, auth.settings)

  const user = await insertUser(sql, {
    id: readId(body),
    email,
    phone,
    password,
    provider: email ? 'email' : 'phone',
    userMetadata: readObject(body, 'user_metadata') ?? {},
    appMetadata: readObject(body, 'app_metadata') ?? {},
    role: readString(body, 'role'),
  })
  const isEmailConfirmed = readBoolean(body, 'email_confirm') ?? false
  const isPhoneConfirmed = readBoolean(body, 'phone_confirm') ?? false
  if (email) {
    const data = { email, email_verified: isEmailConfirmed, phone_verified: false }
    await insertIdentity(sql, user.id, 'email', user.id, data)
  }
  if (phone) {
    const data = { phone, email_verified: false, phone_verified: isPhoneConfirmed }
    await insertIdentity(sql, user.id, 'phone', user.id, data)
  }
  if (email && phone) {
    await sql.query(
      `update auth.users set raw_app_meta_data = raw_app_meta_data || '{"providers": ["email", "phone"]}'
       where id = $1`,
      [user.id],
    )
  }
  await sql.query(
    `update auth.users set
       email_confirmed_at = case when $2 then now() end,
       phone_confirmed_at = case when $3 then now() end
     where id = $1`,
    [user.id, isEmailConfirmed, isPhoneConfirmed],
  )
  await applyBan(auth, user.id)
  return jsonResponse(200, await toUserJson(sql, await reloadUser(sql, user.id)))
}

/** Handles `PUT /admin/users/<id>`: any attribute, without confirmation emails. */
export async function handleAdminUpdateUser(auth: AuthRequest): Promise<Response> {
  await requireAdmin(auth)
  const { body, sql } = auth
  const user = await loadUser(auth, auth.params[0])
  const rawEmail = readString(body, 'email')
  const rawPhone = readString(body, 'phone')
  const password = readString(body, 'password')
  const role = readString(body, 'role')

  if (rawEmail !== undefined) {
    const email = validateEmail(rawEmail)
    const owner = await findUser(sql, 'email', email)
    if (owner && owner.id !== user.id) throw emailExists()
    await sql.query('update auth.users set email = $2 where id = $1', [user.id, email])
    await sql.query(
      `update auth.identities set identity_data = identity_data || jsonb_build_object('email', $2::text)
       where user_id = $1 and provider = 'email'`,
      [user.id, email],
    )
  }
  if (rawPhone !== undefined) {
    const phone = validatePhone(rawPhone)
    const owner = await findUser(sql, 'phone', phone)
    if (owner && owner.id !== user.id) throw phoneExists()
    await sql.query('update auth.users set phone = $2 where id = $1', [user.id, phone])
  }
  if (password !== undefined) {
    validatePassword(password, auth.settings)
    await sql.query('update auth.users set encrypted_password = $2 where id = $1', [
      user.id,
      await hashPassword(password),
    ])
  }
  if (role) await sql.query('update auth.users set role = $2 where id = $1', [user.id, role])
  if (readBoolean(body, 'email_confirm')) {
    await sql.query(
      'update auth.users set email_confirmed_at = coalesce(email_confirmed_at, now()) where id = $1',
      [user.id],
    )
  }
  if (readBoolean(body, 'phone_confirm')) {
    await sql.query(
      'update auth.users set phone_confirmed_at = coalesce(phone_confirmed_at, now()) where id = $1',
      [user.id],
    )
  }
  // Metadata merges key by key, as in PUT /user; a null value removes its key.
  for (const [key, column] of [
    ['user_metadata', 'raw_user_meta_data'],
    ['app_metadata', 'raw_app_meta_data'],
  ]) {
    const value = readObject(body, key)
    if (!value) continue
    await sql.query(
      `update auth.users set ${column} = jsonb_strip_nulls(coalesce(${column}, '{}') || $2::jsonb)
       where id = $1`,
      [user.id, value],
    )
  }
  await applyBan(auth, user.id)
  await sql.query('update auth.users set updated_at = now() where id = $1', [user.id])
  return jsonResponse(200, await toUserJson(sql, await reloadUser(sql, user.id)))
}

/** Handles `DELETE /admin/users/<id>`, hard or (`should_soft_delete`) soft. */
export async function handleAdminDeleteUser(auth: AuthRequest): Promise<Response> {
  await requireAdmin(auth)
  const user = await loadUser(auth, auth.params[0])
  const { sql } = auth

  if (!readBoolean(auth.body, 'should_soft_delete')) {
    await sql.query('delete from auth.users where id = $1', [user.id])
    return jsonResponse(200, {})
  }
  // Not yet: GoTrue's exact obfuscation of a soft-deleted user's email, phone and identities;
  // Sandbase clears them instead, which frees the address for a new signup just the same.
  await sql.query(
    `update auth.users set deleted_at = now(), email = null, phone = null,
       encrypted_password = '', raw_user_meta_data = '{}', updated_at = now()
     where id = $1`,
    [user.id],
  )
  await sql.query('delete from auth.identities where user_id = $1', [user.id])
  await sql.query('delete from auth.sessions where user_id = $1', [user.id])
  await sql.query('delete from auth.mfa_factors where user_id = $1', [user.id])
  return jsonResponse(200, {})
}

/** Loads any user by id for an admin, soft-deleted ones included. */
export async function loadUser(auth: AuthRequest, id: string): Promise<UserRow> {
  if (!UUID.test(id)) throw notFound('user_not_found', 'User not found')
  const { rows } = await auth.sql.query<UserRow>('select * from auth.users where id = $1', [id])
  if (!rows[0]) throw notFound('user_not_found', 'User not found')
  return rows[0]
}

async function applyBan(auth: AuthRequest, userId: string) {
  const duration = readString(auth.body, 'ban_duration')
  if (duration === undefined) return
  const bannedUntil =
    duration === 'none' ? null : new Date(auth.now.getTime() + parseDuration(duration))
  await auth.sql.query('update auth.users set banned_until = $2 where id = $1', [
    userId,
    bannedUntil,
  ])
  // A ban also ends the user's sessions, so refresh tokens stop working at once.
  if (bannedUntil) await auth.sql.query('delete from auth.sessions where user_id = $1', [userId])
}

function readId(body: Record<string, unknown>): string | undefined {
  const id = readString(body, 'id')
  if (id && !UUID.test(id)) throw badRequest('validation_failed', 'id must be a valid UUID')
  return id
}

const emailExists = () =>
  unprocessable('email_exists', 'A user with this email address has already been registered')
const phoneExists = () =>
  unprocessable('phone_exists', 'A user with this phone number has already been registered')
