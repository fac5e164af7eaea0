/**
 * `openInBrowser(url)`, free in the reader's code: it plays the browser an app sends to an
 * OAuth, SSO or identity-linking URL. It follows the project's redirects; on the stand-in
 * provider's consent screen it asks someone to decide (the reader in the page, the example's
 * own options in Node), then follows the provider back to the app and returns that URL.
 */

/** What the stand-in provider's consent screen shows, as the page renders it. */
export interface ConsentScreen {
  /** `github`, `google`, ... or `sso:<provider id>`. */
  provider: string
  /** The scopes the app asked for, space separated; empty for the provider's defaults. */
  scopes: string
  /** Where the browser lands once the auth server is done; `null` for an ID token, which
   * the provider's SDK hands to the app's code without any redirect. */
  redirectTo: string | null
  /** The email the approval is made as, unless whoever decides changes it. */
  email: string
  /** True when a signed-in user is linking this provider to their account. */
  isLinking: boolean
}

export type ConsentAnswer = { approve: true; email: string } | { approve: false }

export interface OpenInBrowserOptions {
  /** The email to approve as: pre-filled on the consent card, used as is in Node. */
  approveAs?: string
}

export type OpenInBrowser = (url: string | URL, options?: OpenInBrowserOptions) => Promise<URL>

export interface BrowserStandIn {
  /** The project's fetch: the only network a Run has. */
  fetch: typeof fetch
  /** The project's URL; redirects that leave it have reached the app. */
  projectUrl: string
  /** Decides on a consent screen: asks the reader, or answers for them. */
  decide(screen: ConsentScreen): Promise<ConsentAnswer>
}

// Far more hops than any flow here takes (authorize, consent, callback); a loop stops here.
const MAX_REDIRECTS = 10
const CONSENT_PATH = '/auth/v1/__sandbase/consent'

interface ConsentBody {
  provider: string
  scopes: string
  redirect_to: string
  suggested_email: string
  is_linking?: boolean
  approve_url: string
  deny_url: string
}

/** Creates the `openInBrowser` helper over the project's fetch and a way to decide. */
export function createOpenInBrowser({ fetch, projectUrl, decide }: BrowserStandIn): OpenInBrowser {
  const project = new URL(projectUrl)
  const isProject = (url: URL) => url.origin === project.origin

  return async function openInBrowser(start, options = {}) {
    let url = new URL(start)
    for (let hop = 0; hop < MAX_REDIRECTS; hop += 1) {
      // Not yet: loading the app's page at the redirectTo, where supabase-js in a browser
      // (detectSessionInUrl) would read the session by itself; the URL is returned instead
      // and the example reads it (setSession, exchangeCodeForSession).
      if (!isProject(url)) return url
      if (url.pathname === CONSENT_PATH) {
        url = await passConsent(url, options)
        continue
      }
      const response = await fetch(url, { redirect: 'manual' })
      const location = response.headers.get('location')
      if (!location) {
        if (response.ok) return url
        throw new TypeError(`openInBrowser: ${url.pathname} answered ${response.status}`)
      }
      url = new URL(location, url)
    }
    throw new RangeError(`openInBrowser: more than ${MAX_REDIRECTS} redirects from ${start}`)
  }

  async function passConsent(url: URL, { approveAs }: OpenInBrowserOptions): Promise<URL> {
    const response = await fetch(url)
    if (!response.ok) {
      throw new TypeError(`openInBrowser: the consent screen answered ${response.status}`)
    }
    const body = (await response.json()) as ConsentBody
    const answer = await decide({
      provider: body.provider,
      scopes: body.scopes,
      redirectTo: body.redirect_to,
      email: approveAs ?? body.suggested_email,
      isLinking: body.is_linking ?? false,
    })
    if (!answer.approve) return new URL(body.deny_url)
    const approve = new URL(body.approve_url)
    approve.searchParams.set('email', answer.email)
    return approve
  }
}

/** Answers every consent screen with Approve, as the email it shows: for unattended runs. */
export function approveAsShown(screen: ConsentScreen): Promise<ConsentAnswer> {
  return Promise.resolve({ approve: true, email: screen.email })
}
