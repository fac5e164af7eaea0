/**
 * `getIdToken(provider, options)`, free in the reader's code: it plays a provider's own SDK
 * (Sign in with Apple, Google One Tap), which asks the user and hands the app an OpenID
 * Connect ID token for `signInWithIdToken()`. The stand-in provider mints the token once
 * the consent screen is approved.
 */
import type { ConsentAnswer, ConsentScreen } from './open-in-browser.ts'

export interface GetIdTokenOptions {
  /** The raw nonce; the token carries its SHA-256, as Apple's and Google's do. */
  nonce?: string
  /** The email to approve as: pre-filled on the consent card, used as is in Node. */
  approveAs?: string
}

export type GetIdToken = (provider: string, options?: GetIdTokenOptions) => Promise<string>

export interface ProviderSdkStandIn {
  /** The project's fetch: the only network a Run has. */
  fetch: typeof fetch
  projectUrl: string
  /** The stand-in provider is served by the project, behind its API gateway. */
  anonKey: string
  decide(screen: ConsentScreen): Promise<ConsentAnswer>
}

// What an OpenID Connect sign-in asks for.
const ID_TOKEN_SCOPES = 'openid email profile'

/** Creates the `getIdToken` helper over the project's fetch and a way to decide. */
export function createGetIdToken(standIn: ProviderSdkStandIn): GetIdToken {
  const { fetch, projectUrl, anonKey, decide } = standIn
  return async function getIdToken(provider, { nonce, approveAs } = {}) {
    const answer = await decide({
      provider,
      scopes: ID_TOKEN_SCOPES,
      redirectTo: null,
      email: approveAs ?? `${provider}.user@example.com`,
      isLinking: false,
    })
    // A provider's SDK reports a cancelled prompt as a failure of the sign-in call.
    if (!answer.approve) throw new Error(`getIdToken: the user cancelled the ${provider} sign-in`)

    const response = await fetch(`${projectUrl}/auth/v1/__sandbase/id_token`, {
      method: 'POST',
      headers: { apikey: anonKey, 'content-type': 'application/json' },
      body: JSON.stringify({ provider, email: answer.email, ...(nonce && { nonce }) }),
    })
    const body = (await response.json()) as { id_token?: string; msg?: string }
    if (!response.ok || !body.id_token) {
      throw new TypeError(`getIdToken: the stand-in provider answered ${response.status}`)
    }
    return body.id_token
  }
}
