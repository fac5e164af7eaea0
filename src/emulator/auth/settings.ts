/** The project's auth settings, read from `auth.sandbase_config`, and GoTrue's `GET /settings`. */
import type { SqlSession } from '../db.ts'

export interface AuthSettings {
  site_url: string
  disable_signup: boolean
  mailer_autoconfirm: boolean
  sms_autoconfirm: boolean
  external_email_enabled: boolean
  external_phone_enabled: boolean
  external_anonymous_users_enabled: boolean
  security_manual_linking_enabled: boolean
  mailer_secure_email_change_enabled: boolean
  security_update_password_require_reauthentication: boolean
  password_min_length: number
  jwt_exp: number
  mailer_otp_exp: number
  sms_otp_exp: number
  mailer_otp_length: number
  refresh_token_reuse_interval: number
}

/** OAuth providers the stand-in consent step can play; GoTrue lists each in `/settings`. */
export const OAUTH_PROVIDERS = [
  'apple',
  'azure',
  'bitbucket',
  'discord',
  'facebook',
  'figma',
  'github',
  'gitlab',
  'google',
  'keycloak',
  'kakao',
  'linkedin_oidc',
  'notion',
  'slack_oidc',
  'spotify',
  'twitch',
  'twitter',
  'workos',
  'zoom',
]

/** Reads the settings row; the request's transaction sees a lesson's own changes to it. */
export async function readSettings(sql: SqlSession): Promise<AuthSettings> {
  const { rows } = await sql.query<AuthSettings>('select * from auth.sandbase_config limit 1')
  return rows[0]
}

/** The body of `GET /settings`, as GoTrue reports which sign-in methods are on. */
export function toSettingsBody(settings: AuthSettings) {
  const external: Record<string, boolean> = {
    anonymous_users: settings.external_anonymous_users_enabled,
    email: settings.external_email_enabled,
    phone: settings.external_phone_enabled,
  }
  // The stand-in provider answers for every OAuth provider, so all are reported as enabled.
  for (const provider of OAUTH_PROVIDERS) external[provider] = true

  return {
    external,
    disable_signup: settings.disable_signup,
    mailer_autoconfirm: settings.mailer_autoconfirm,
    phone_autoconfirm: settings.sms_autoconfirm,
    sms_provider: 'sandbase',
    saml_enabled: true,
  }
}
