/**
 * The four panes of a Run: Request, SQL, Response and Console. Each is a labelled region;
 * the first three list one entry per HTTP request, grouped by the trace's `requestId`.
 */
import type { ReactNode } from 'react'
import type { ConsoleLine, Logged, RequestEntry, Run } from '../../runner/index.ts'
import {
  REQUEST_HEADERS,
  describeStatementLimit,
  formatError,
  formatLogArgs,
  isImageDataUrl,
  formatParams,
  pickHeaders,
  pickResponseHeaders,
  prettyBody,
  readableUrl,
} from './format.ts'
import { SqlCode } from './SqlCode.tsx'

function Pane({ label, children, empty }: { label: string; children: ReactNode[]; empty: string }) {
  const id = `sb-pane-${label.toLowerCase()}`
  return (
    <section className="sb-pane" aria-labelledby={id}>
      <h3 id={id} className="sb-pane-title">
        {label}
      </h3>
      <div className="sb-pane-body">
        {children.length > 0 ? children : <p className="sb-empty">{empty}</p>}
      </div>
    </section>
  )
}

function EntryTitle({ entry, index }: { entry: RequestEntry; index: number }) {
  const { request } = entry
  return (
    <p className="sb-entry-title">
      <span className="sb-entry-number">#{index + 1}</span>{' '}
      {request ? (
        <>
          <strong>{request.method}</strong> <code>{readableUrl(request.url)}</code>
        </>
      ) : (
        `request ${entry.requestId}`
      )}
    </p>
  )
}

function Headers({ headers }: { headers: [string, string][] }) {
  if (headers.length === 0) return null
  return (
    <dl className="sb-headers">
      {headers.map(([name, value]) => (
        <div key={name}>
          <dt>{name}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  )
}

function NotYet({ entry }: { entry: RequestEntry }) {
  return entry.notYet.map(({ feature, message }, i) => (
    <p key={i} className="sb-not-yet" role="note">
      <strong>Not yet emulated</strong> ({feature}): {message}
    </p>
  ))
}

// What a real project would have sent elsewhere while answering: emails and text messages.
function SideEffects({ entry }: { entry: RequestEntry }) {
  return entry.other.map((event, i) => {
    if (event.type === 'email') {
      return (
        <p key={i} className="sb-meta">
          Email to {event.to}: “{event.subject}” (in the Inbox)
        </p>
      )
    }
    if (event.type === 'sms') {
      return (
        <p key={i} className="sb-meta">
          Text message to {event.to} (in the Inbox)
        </p>
      )
    }
    return (
      <p key={i} className="sb-meta">
        {event.type} event
      </p>
    )
  })
}

// Entries are keyed by their position: a new Run's entries then reuse the elements of the
// last Run's instead of replacing them all.

/** The requests supabase-js sent. */
export function RequestPane({ run }: { run: Run }) {
  return (
    <Pane label="Request" empty="The requests of the next Run appear here.">
      {run.requests.map((entry, index) => {
        const body = prettyBody(entry.request?.body ?? null)
        return (
          <article key={index} className="sb-entry">
            <EntryTitle entry={entry} index={index} />
            <Headers headers={pickHeaders(entry.request?.headers ?? {}, REQUEST_HEADERS)} />
            {body && <pre className="sb-body">{body}</pre>}
          </article>
        )
      })}
    </Pane>
  )
}

/** The SQL the emulator ran for each request. */
export function SqlPane({ run }: { run: Run }) {
  return (
    <Pane label="SQL" empty="The SQL Postgres runs for each request appears here.">
      {run.requests.map((entry, index) => (
        <article key={index} className="sb-entry">
          <EntryTitle entry={entry} index={index} />
          {entry.sql.length === 0 && <p className="sb-empty">No SQL ran for this request.</p>}
          {entry.sql.map((statement, i) => (
            <div key={i} className="sb-statement">
              <SqlCode sql={statement.sql} />
              <p className="sb-meta">
                {statement.params.length > 0 && (
                  <>
                    params <code>{formatParams(statement.params)}</code> ·{' '}
                  </>
                )}
                {statement.rowCount} {statement.rowCount === 1 ? 'row' : 'rows'} ·{' '}
                {statement.durationMs.toFixed(1)} ms
              </p>
              {statement.error && (
                <p className="sb-error">
                  {statement.error.code && <code>{statement.error.code}</code>}{' '}
                  {statement.error.message}
                </p>
              )}
            </div>
          ))}
        </article>
      ))}
    </Pane>
  )
}

/** What the emulator answered. */
export function ResponsePane({ run }: { run: Run }) {
  return (
    <Pane label="Response" empty="Each response appears here, with its status and body.">
      {run.requests.map((entry, index) => {
        const { response } = entry
        const body = prettyBody(response?.body ?? null)
        return (
          <article key={index} className="sb-entry">
            <EntryTitle entry={entry} index={index} />
            {response ? (
              <>
                <p className={`sb-status sb-status-${Math.floor(response.status / 100)}xx`}>
                  {response.status} {response.statusText}{' '}
                  <span className="sb-meta">{response.durationMs.toFixed(1)} ms</span>
                </p>
                <Headers headers={pickResponseHeaders(response.headers)} />
                {body && <pre className="sb-body">{body}</pre>}
              </>
            ) : (
              <p className="sb-empty">Waiting for the response…</p>
            )}
            <NotYet entry={entry} />
            <SideEffects entry={entry} />
          </article>
        )
      })}
    </Pane>
  )
}

/** What the reader's code logged, and how the Run ended if it went wrong. */
export function ConsolePane({ run }: { run: Run }) {
  return (
    <Pane label="Console" empty="console.log output and errors appear here.">
      {run.console.map((line, index) => (
        <ConsoleRow key={index} line={line} />
      ))}
    </Pane>
  )
}

function ConsoleRow({ line }: { line: ConsoleLine }) {
  switch (line.kind) {
    case 'log':
      return (
        <>
          <pre className={`sb-log sb-log-${line.level}`}>{formatLogArgs(line.args)}</pre>
          {line.args.filter(isImageDataUrl).map((arg, i) => (
            <img key={i} className="sb-log-image" src={arg.value} alt="Image logged by the code" />
          ))}
        </>
      )
    case 'uncaught':
      return (
        <pre className="sb-log sb-log-error">
          {line.error.line !== undefined && `Line ${line.error.line}: `}
          Uncaught {formatError(line.error)}
        </pre>
      )
    case 'compile-error':
      return line.problems.map((problem, i) => (
        <pre key={i} className="sb-log sb-log-error">
          {problem.line !== null
            ? `Line ${problem.line}, column ${(problem.column ?? 0) + 1}: ${problem.message}`
            : problem.message}
        </pre>
      ))
    case 'stopped':
      return (
        <pre className="sb-log sb-log-warn">
          Stopped after {line.seconds} s: the code was still running.{' '}
          {line.isProjectBusy
            ? 'A request it sent is still running in the project; past its statement timeout, ' +
              'the project restarts from the lesson’s data.'
            : 'The database is intact.'}
        </pre>
      )
    case 'emulator-error':
      return <pre className="sb-log sb-log-error">The in-page project failed: {line.message}</pre>
    case 'project-restarted':
      return (
        <pre className="sb-log sb-log-warn">
          A statement ran past {describeStatementLimit(line)}. The in-page Postgres cannot cancel a
          running statement, so the project was restarted from the lesson’s data: changes made since
          the page loaded (or since the last Reset) are gone.
        </pre>
      )
  }
}
