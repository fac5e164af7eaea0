/**
 * Users and identities in `auth.users` / `auth.identities`, and the user object GoTrue returns:
 * empty timestamps left out, `email`/`phone` as '' when unset, identities always present,
 * factors only when the user has some.
 */
import type { SqlSession } from '../db.ts'
import { hashPassword } from './crypto.ts'

export interface UserRow {
  id: string
  aud: string
  role: string
  email: string | null
  encrypted_password: string | null
  email_confirmed_at: Date | null
  invited_at: Date | null
  confirmation_token: string | null
  confirmation_sent_at: Date | null
  recovery_token: string | null
  recovery_sent_at: Date | null
  email_change_token_new: string | null
  email_change: string | null
  email_change_sent_at: Date | null
  email_change_token_current: string | null
  email_change_confirm_status: number
  last_sign_in_at: Date | null
  raw_app_meta_data: Record<string, unknown> | null
  raw_user_meta_data: Record<string, unknown> | null
  created_at: Date
  updated_at: Date
  phone: string | null
  phone_confirmed_at: Date | null
  phone_change: string | null
  phone_change_token: string | null
  phone_change_sent_at: Date | null
  confirmed_at: Date | null
  banned_until: Date | null
  reauthentication_token: string | null
  reauthentication_sent_at: Date | null
  is_sso_user: boolean
  deleted_at: Date | null
  is_anonymous: boolean
}

export interface IdentityRow {
  id: string
  provider_id: string
  user_id: string
  identity_data: Record<string, unknown>
  provider: string
  last_sign_in_at: Date | null
  created_at: Date
  updated_at: Date
  email: string | null
}

/** Finds a user by id, email or phone; `null` when there is none. */
export async function findUser(
  sql: SqlSession,
  by: 'id' | 'email' | 'phone',
  value: string,
): Promise<UserRow | null> {
  const column = by === 'email' ? 'lower(email)' : by
  const { rows } = await sql.query<UserRow>(
    `select * from auth.users where ${column} = $1 and deleted_at is null limit 1`,
    [by === 'email' ? value.toLowerCase() : value],
  )
  return rows[0] ?? null
}

export interface NewUser {
  id?: string
  email?: string
  phone?: string
  password?: string
  provider: string
  userMetadata?: Record<string, unknown>
  appMetadata?: Record<string, unknown>
  isAnonymous?: boolean
  isSsoUser?: boolean
  role?: string
}

/** Inserts a user with `app_metadata.provider(s)` set, as GoTrue's signup does. */
export async function insertUser(sql: SqlSession, user: NewUser): Promise<UserRow> {
  const { email, phone, password, provider, userMetadata = {}, appMetadata = {} } = user
  const encrypted = password ? await hashPassword(password) : ''
  const app = { ...appMetadata, provider, providers: [provider] }

  const { rows } = await sql.query<UserRow>(
    `insert into auth.users (instance_id, id, aud, role, email, phone, encrypted_password,
       raw_app_meta_data, raw_user_meta_data, is_anonymous, is_sso_user, created_at, updated_at)
     values ('00000000-0000-0000-0000-000000000000', coalesce($1::uuid, gen_random_uuid()),
       'authenticated', $2, $3, $4, $5, $6, $7, $8, $9, now(), now())
     returning *`,
    [
      user.id ?? null,
      user.role ?? 'authenticated',
      email ? email.toLowerCase() : null,
      phone || null,
      encrypted,
      app,
      userMetadata,
      user.isAnonymous ?? false,
      user.isSsoUser ?? false,
    ],
  )
  return rows[0]
}

/** Inserts an identity row; `identity_data` always carries `sub` like GoTrue's. */
export async function insertIdentity(
  sql: SqlSession,
  userId: string,
  provider: string,
  providerId: string,
  identityData: Record<string, unknown>,
): Promise<IdentityRow> {
  const { rows } = await sql.query<IdentityRow>(
    `insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at,
       created_at, updated_at)
     values ($1, $2, $3, $4, now(), now(), now()) returning *`,
    [providerId, userId, { sub: providerId, ...identityData }, provider],
  )
  return rows[0]
}

/** Adds a provider to `app_metadata.providers` once an identity of that kind exists. */
export async function addProvider(sql: SqlSession, userId: string, provider: string) {
  await sql.query(
    `update auth.users set raw_app_meta_data = jsonb_set(
       coalesce(raw_app_meta_data, '{}'::jsonb), '{providers}',
       (select coalesce(jsonb_agg(distinct p), '[]'::jsonb) from (
          select jsonb_array_elements_text(coalesce(raw_app_meta_data -> 'providers', '[]')) p
          union select $2) providers)),
       updated_at = now()
     where id = $1`,
    [userId, provider],
  )
}

/** Re-reads a user after an update. */
export async function reloadUser(sql: SqlSession, id: string): Promise<UserRow> {
  const { rows } = await sql.query<UserRow>('select * from auth.users where id = $1', [id])
  return rows[0]
}

/** The user object GoTrue sends, with identities and (when any) MFA factors. */
export async function toUserJson(sql: SqlSession, user: UserRow): Promise<Record<string, unknown>> {
  const [identities, factors] = await Promise.all([
    sql.query<IdentityRow>(
      'select * from auth.identities where user_id = $1 order by created_at, id',
      [user.id],
    ),
    sql.query<Record<string, unknown>>(
      `select id, friendly_name, factor_type, status, created_at, updated_at
       from auth.mfa_factors where user_id = $1 order by created_at`,
      [user.id],
    ),
  ])

  const json: Record<string, unknown> = {
    id: user.id,
    aud: user.aud,
    role: user.role,
    email: user.email ?? '',
    email_confirmed_at: user.email_confirmed_at,
    phone: user.phone ?? '',
    phone_confirmed_at: user.phone_confirmed_at,
    confirmation_sent_at: user.confirmation_sent_at,
    confirmed_at: user.confirmed_at,
    recovery_sent_at: user.recovery_sent_at,
    new_email: user.email_change || null,
    email_change_sent_at: user.email_change_sent_at,
    new_phone: user.phone_change || null,
    phone_change_sent_at: user.phone_change_sent_at,
    reauthentication_sent_at: user.reauthentication_sent_at,
    invited_at: user.invited_at,
    last_sign_in_at: user.last_sign_in_at,
    app_metadata: user.raw_app_meta_data ?? {},
    user_metadata: user.raw_user_meta_data ?? {},
    identities: identities.rows.map(toIdentityJson),
    factors: factors.rows.length ? factors.rows.map(toTimestamps) : null,
    created_at: user.created_at,
    updated_at: user.updated_at,
    banned_until: user.banned_until,
    deleted_at: user.deleted_at,
    is_anonymous: user.is_anonymous,
  }
  // GoTrue leaves out nil pointers (`omitempty`), so absent timestamps are absent keys.
  for (const [key, value] of Object.entries(json)) if (value === null) delete json[key]
  return toTimestamps(json)
}

/** An identity as GoTrue sends it: `identity_id` is the row id, `id` the provider's id. */
export function toIdentityJson(identity: IdentityRow): Record<string, unknown> {
  return toTimestamps({
    identity_id: identity.id,
    id: identity.provider_id,
    user_id: identity.user_id,
    identity_data: identity.identity_data,
    provider: identity.provider,
    last_sign_in_at: identity.last_sign_in_at,
    created_at: identity.created_at,
    updated_at: identity.updated_at,
    email: identity.email ?? undefined,
  })
}

function toTimestamps<T extends Record<string, unknown>>(value: T): T {
  const result: Record<string, unknown> = {}
  for (const [key, field] of Object.entries(value)) {
    result[key] = field instanceof Date ? field.toISOString() : field
  }
  return result as T
}

/** Whether a user is banned right now. */
export function isBanned(user: UserRow, now: Date): boolean {
  return Boolean(user.banned_until && user.banned_until.getTime() > now.getTime())
}
