/**
 * The emails and text messages the project would have sent, newest first, so a reader can
 * finish a sign-up or a magic-link flow by hand. Kept across Runs until Reset.
 */
import type { InboxMessage } from '../../runner/index.ts'

/** Renders the Inbox region, or nothing while it is empty. */
export function InboxPane({ messages }: { messages: InboxMessage[] }) {
  if (messages.length === 0) return null
  return (
    <section className="sb-pane sb-inbox" aria-labelledby="sb-pane-inbox">
      <h3 id="sb-pane-inbox" className="sb-pane-title">
        Inbox
      </h3>
      <div className="sb-pane-body">
        {[...messages].reverse().map((message, i) => (
          <article key={messages.length - i} className="sb-entry">
            {message.type === 'email' ? (
              <>
                <p className="sb-entry-title">
                  <strong>{message.subject}</strong>{' '}
                  <span className="sb-meta">to {message.to}</span>
                </p>
                <pre className="sb-log">{message.text}</pre>
                {message.code && (
                  <p className="sb-meta">
                    Code: <code>{message.code}</code>
                  </p>
                )}
                {/* Not yet: opening the link in the page; it points at the in-page project,
                    so here it is shown to copy into code (e.g. verifyOtp with its token). */}
                {message.link && (
                  <p className="sb-meta sb-link">
                    Link: <code>{message.link}</code>
                  </p>
                )}
              </>
            ) : (
              <>
                <p className="sb-entry-title">
                  <strong>Text message</strong> <span className="sb-meta">to {message.to}</span>
                </p>
                <pre className="sb-log">{message.text}</pre>
                {message.code && (
                  <p className="sb-meta">
                    Code: <code>{message.code}</code>
                  </p>
                )}
              </>
            )}
          </article>
        ))}
      </div>
    </section>
  )
}
