/**
 * The stand-in provider's consent screen, shown while a Run waits in `openInBrowser()`: the
 * provider, the app's scopes and return address, the email to sign in as, Approve and Deny.
 * The reader's click is the only way the Run goes on (its time limit is paused meanwhile).
 */
import { useEffect, useRef, useState } from 'react'
import type { ConsentAnswer, ConsentScreen } from '../../runner/index.ts'
import './consent-card.css'

const PROVIDER_NAMES: Record<string, string> = {
  github: 'GitHub',
  gitlab: 'GitLab',
  google: 'Google',
  linkedin_oidc: 'LinkedIn',
  workos: 'WorkOS',
}

/** Renders the consent card for `screen`; `onAnswer` carries the reader's decision. */
export function ConsentCard({
  screen,
  onAnswer,
}: {
  screen: ConsentScreen
  onAnswer: (answer: ConsentAnswer) => void
}) {
  const [email, setEmail] = useState(screen.email)
  const emailField = useRef<HTMLInputElement>(null)
  const provider = nameProvider(screen.provider)

  // The card is where the reader's attention must go: keyboard users land on the email.
  useEffect(() => emailField.current?.focus(), [])

  return (
    <section className="sb-consent" role="dialog" aria-labelledby="sb-consent-title">
      <h3 id="sb-consent-title" className="sb-pane-title">
        Sign-in consent
      </h3>
      <form
        className="sb-consent-body"
        onSubmit={(event) => {
          event.preventDefault()
          onAnswer({ approve: true, email: email.trim() })
        }}
      >
        <p>
          <strong>{provider}</strong> (Sandbase’s stand-in provider) asks:{' '}
          {screen.isLinking
            ? 'link this account to the user signed in to the app?'
            : 'sign in to the app with this account?'}
        </p>
        <dl className="sb-consent-facts">
          <div>
            <dt>Returns to</dt>
            <dd>
              {screen.redirectTo === null ? (
                'your app’s code, as an ID token (no redirect)'
              ) : (
                <code>{screen.redirectTo}</code>
              )}
            </dd>
          </div>
          <div>
            <dt>Scopes</dt>
            <dd>{screen.scopes ? <code>{screen.scopes}</code> : 'the provider’s defaults'}</dd>
          </div>
        </dl>
        <label className="sb-consent-email">
          Email at {provider}{' '}
          <input
            ref={emailField}
            type="email"
            required
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
        </label>
        <p className="sb-consent-actions">
          <button type="submit" className="sb-button sb-run">
            Approve
          </button>
          <button type="button" className="sb-button" onClick={() => onAnswer({ approve: false })}>
            Deny
          </button>
          <span className="sb-meta">
            The Run waits for you, its time limit paused; Run or Reset cancels it.
          </span>
        </p>
      </form>
    </section>
  )
}

function nameProvider(provider: string): string {
  if (provider.startsWith('sso:')) return 'Your company’s identity provider (SSO)'
  return PROVIDER_NAMES[provider] ?? provider.charAt(0).toUpperCase() + provider.slice(1)
}
