/**
 * The `auth` tables GoTrue keeps, with GoTrue's column names, reduced to the columns the
 * emulator reads or writes. Lesson datasets reference `auth.users` (profiles, notes owned
 * by a user), so the tables exist in every project from the start.
 */

const USERS_SQL = `
create table auth.users (
  instance_id uuid,
  id uuid primary key,
  aud varchar(255),
  role varchar(255),
  email varchar(255),
  encrypted_password varchar(255),
  email_confirmed_at timestamptz,
  invited_at timestamptz,
  confirmation_token varchar(255) default '',
  confirmation_sent_at timestamptz,
  recovery_token varchar(255) default '',
  recovery_sent_at timestamptz,
  email_change_token_new varchar(255) default '',
  email_change varchar(255) default '',
  email_change_sent_at timestamptz,
  last_sign_in_at timestamptz,
  raw_app_meta_data jsonb,
  raw_user_meta_data jsonb,
  is_super_admin boolean,
  created_at timestamptz,
  updated_at timestamptz,
  phone text unique,
  phone_confirmed_at timestamptz,
  phone_change text default '',
  phone_change_token varchar(255) default '',
  phone_change_sent_at timestamptz,
  confirmed_at timestamptz generated always as (least(email_confirmed_at, phone_confirmed_at)) stored,
  email_change_token_current varchar(255) default '',
  email_change_confirm_status smallint default 0,
  banned_until timestamptz,
  reauthentication_token varchar(255) default '',
  reauthentication_sent_at timestamptz,
  is_sso_user boolean not null default false,
  deleted_at timestamptz,
  is_anonymous boolean not null default false
);
create unique index users_email_partial_key on auth.users (email) where is_sso_user = false;
`

const IDENTITIES_SQL = `
create table auth.identities (
  provider_id text not null,
  user_id uuid not null references auth.users (id) on delete cascade,
  identity_data jsonb not null,
  provider text not null,
  last_sign_in_at timestamptz,
  created_at timestamptz,
  updated_at timestamptz,
  email text generated always as (lower(identity_data ->> 'email')) stored,
  id uuid primary key default gen_random_uuid(),
  unique (provider_id, provider)
);
`

const SESSIONS_SQL = `
create type auth.aal_level as enum ('aal1', 'aal2', 'aal3');

create table auth.sessions (
  id uuid primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  created_at timestamptz,
  updated_at timestamptz,
  factor_id uuid,
  aal auth.aal_level,
  not_after timestamptz,
  refreshed_at timestamp,
  user_agent text,
  ip inet,
  tag text
);

create table auth.refresh_tokens (
  instance_id uuid,
  id bigserial primary key,
  token varchar(255) unique,
  user_id varchar(255),
  revoked boolean,
  created_at timestamptz,
  updated_at timestamptz,
  parent varchar(255),
  session_id uuid references auth.sessions (id) on delete cascade
);

create table auth.mfa_amr_claims (
  session_id uuid not null references auth.sessions (id) on delete cascade,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  authentication_method text not null,
  id uuid primary key default gen_random_uuid(),
  unique (session_id, authentication_method)
);
`

const MFA_SQL = `
create type auth.factor_type as enum ('totp', 'webauthn', 'phone');
create type auth.factor_status as enum ('unverified', 'verified');

create table auth.mfa_factors (
  id uuid primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  friendly_name text,
  factor_type auth.factor_type not null,
  status auth.factor_status not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  secret text,
  phone text,
  last_challenged_at timestamptz
);

create table auth.mfa_challenges (
  id uuid primary key,
  factor_id uuid not null references auth.mfa_factors (id) on delete cascade,
  created_at timestamptz not null,
  verified_at timestamptz,
  ip_address inet,
  otp_code text
);
`

const FLOWS_SQL = `
create type auth.code_challenge_method as enum ('s256', 'plain');

create table auth.flow_state (
  id uuid primary key,
  user_id uuid,
  auth_code text not null,
  code_challenge_method auth.code_challenge_method not null,
  code_challenge text not null,
  provider_type text not null,
  provider_access_token text,
  provider_refresh_token text,
  created_at timestamptz,
  updated_at timestamptz,
  authentication_method text not null,
  auth_code_issued_at timestamptz
);

create type auth.one_time_token_type as enum (
  'confirmation_token', 'reauthentication_token', 'recovery_token',
  'email_change_token_new', 'email_change_token_current', 'phone_change_token'
);

create table auth.one_time_tokens (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  token_type auth.one_time_token_type not null,
  token_hash text not null,
  relates_to text not null,
  created_at timestamp not null default now(),
  updated_at timestamp not null default now(),
  unique (user_id, token_type)
);

create table auth.audit_log_entries (
  instance_id uuid,
  id uuid primary key default gen_random_uuid(),
  payload json,
  created_at timestamptz,
  ip_address varchar(64) not null default ''
);
`

// Sandbase's own table, not GoTrue's: the project settings GoTrue reads from its environment
// (GOTRUE_MAILER_AUTOCONFIRM, ...), as one row a lesson can change with SQL. The defaults are
// those of a project started with the Supabase CLI, except where a note says otherwise.
const CONFIG_SQL = `
create table auth.sandbase_config (
  id boolean primary key default true check (id),
  site_url text not null default 'http://localhost:3000',
  disable_signup boolean not null default false,
  mailer_autoconfirm boolean not null default true,
  sms_autoconfirm boolean not null default true,
  external_email_enabled boolean not null default true,
  external_phone_enabled boolean not null default true,
  -- The CLI starts with anonymous sign-ins off; Sandbase turns them on so the lesson works.
  external_anonymous_users_enabled boolean not null default true,
  -- Likewise manual linking, which link_identity needs.
  security_manual_linking_enabled boolean not null default true,
  mailer_secure_email_change_enabled boolean not null default true,
  security_update_password_require_reauthentication boolean not null default false,
  password_min_length int not null default 6,
  jwt_exp int not null default 3600,
  mailer_otp_exp int not null default 3600,
  sms_otp_exp int not null default 60,
  mailer_otp_length int not null default 6,
  refresh_token_reuse_interval int not null default 10
);
insert into auth.sandbase_config default values;
`

/** The SQL that creates GoTrue's tables and Sandbase's auth settings. */
export const AUTH_SCHEMA_SQL = [
  USERS_SQL,
  IDENTITIES_SQL,
  SESSIONS_SQL,
  MFA_SQL,
  FLOWS_SQL,
  CONFIG_SQL,
].join('\n')
