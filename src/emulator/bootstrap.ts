/**
 * The database a new Supabase project starts with: its roles, schemas, default grants and
 * the `auth` helper functions that read the request's JWT claims. Mirrors what Supabase's
 * `supabase/postgres` image sets up, reduced to what a client can observe.
 */
import { AUTH_SCHEMA_SQL } from './auth/schema.ts'

const ROLES_SQL = `
create role anon nologin noinherit;
create role authenticated nologin noinherit;
create role service_role nologin noinherit bypassrls;
create role authenticator login noinherit;
grant anon, authenticated, service_role to authenticator;
create role supabase_auth_admin nologin noinherit createrole;
create role supabase_storage_admin nologin noinherit createrole;
`

const SCHEMAS_SQL = `
create schema if not exists extensions;
create schema if not exists auth;
create schema if not exists storage;

grant usage on schema public to anon, authenticated, service_role;
grant usage on schema extensions to anon, authenticated, service_role;
grant usage on schema auth to anon, authenticated, service_role;
grant usage on schema storage to anon, authenticated, service_role;

-- Anything the project owner creates in public is reachable through the API at once;
-- row level security, once enabled on a table, is what restricts it.
alter default privileges in schema public
  grant all on tables to anon, authenticated, service_role;
alter default privileges in schema public
  grant all on functions to anon, authenticated, service_role;
alter default privileges in schema public
  grant all on sequences to anon, authenticated, service_role;
`

// auth.uid() and friends read the per-request settings the REST layer sets; the
// single-claim settings are the older form some policies still use.
const AUTH_FUNCTIONS_SQL = `
create or replace function auth.jwt() returns jsonb language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$$;

create or replace function auth.uid() returns uuid language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$$;

create or replace function auth.role() returns text language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$$;

create or replace function auth.email() returns text language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.email', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
  )::text
$$;

grant execute on function auth.jwt(), auth.uid(), auth.role(), auth.email()
  to anon, authenticated, service_role;
`

// As on a Supabase project, any DDL notifies `pgrst` so the REST layer reloads its schema
// cache (and forgets prepared statements whose plans may no longer fit). The emulator
// listens in the one session requests share, so a function's `UNLISTEN *` would silence it;
// listening again with each DDL keeps the notification coming.
const DDL_WATCH_SQL = `
create or replace function extensions.pgrst_ddl_watch() returns event_trigger
language plpgsql as $$ begin listen pgrst; perform pg_notify('pgrst', 'reload schema'); end $$;
create event trigger pgrst_ddl_watch on ddl_command_end
  execute procedure extensions.pgrst_ddl_watch();
create event trigger pgrst_drop_watch on sql_drop
  execute procedure extensions.pgrst_ddl_watch();
`

/** SQL that turns a freshly initialised Postgres into a new Supabase project. */
export const BOOTSTRAP_SQL = [
  ROLES_SQL,
  SCHEMAS_SQL,
  AUTH_FUNCTIONS_SQL,
  AUTH_SCHEMA_SQL,
  DDL_WATCH_SQL,
].join('\n')
