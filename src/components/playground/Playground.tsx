/**
 * The lesson's live example: example tabs, the editor with the JS and Python calls beside
 * it, Run and Reset, and the four panes. It only renders and dispatches; the runner does
 * the work.
 */
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react'
import { createRunner, type Runner } from '../../runner/index.ts'
import { BootStatus } from './BootStatus.tsx'
import { CodeEditor } from './CodeEditor.tsx'
import { ConsentCard } from './ConsentCard.tsx'
import { InboxPane } from './InboxPane.tsx'
import { ConsolePane, RequestPane, ResponsePane, SqlPane } from './panes.tsx'

export interface PlaygroundExample {
  title: string
  code: string
  /** The module `code` compiles to, compiled when the site was built. */
  compiled?: string
  python?: string
  /** The lesson expects this example to end with an error (it shows one on purpose). */
  expectsError?: boolean
}

export interface PlaygroundProps {
  examples: PlaygroundExample[]
  dataset: string
  js?: string
  python?: string
}

/** Renders the playground for a lesson's examples. */
export default function Playground({ examples, dataset, js, python }: PlaygroundProps) {
  // One runner, and so one emulator Worker, for the island's lifetime; it starts no Worker
  // until boot(), so rendering on the server is harmless.
  const [runner] = useState<Runner>(() =>
    createRunner(
      dataset,
      examples.flatMap(({ code, compiled }) =>
        compiled ? [{ source: code, code: compiled }] : [],
      ),
    ),
  )
  const state = useSyncExternalStore(runner.subscribe, runner.getState, runner.getState)
  const [tab, setTab] = useState(0)
  const [codes, setCodes] = useState(() => examples.map(({ code }) => code))
  const example = examples[tab]

  // The server renders Run disabled: until the island has hydrated, pressing it would do
  // nothing at all.
  const [isHydrated, setHydrated] = useState(false)
  useEffect(() => {
    setHydrated(true)
    runner.boot()
  }, [runner])

  // Each example expects the lesson's data as it starts (as the Node suite runs them): one
  // that ran may have changed it, so switching examples after a Run restores the data.
  const hasRunSinceReset = useRef(false)
  const [isRestoredForTab, setRestoredForTab] = useState(false)
  const run = useCallback(() => {
    hasRunSinceReset.current = true
    setRestoredForTab(false)
    void runner.run(codes[tab])
  }, [runner, codes, tab])
  const reset = useCallback(() => {
    setCodes((current) => current.map((code, i) => (i === tab ? examples[i].code : code)))
    hasRunSinceReset.current = false
    setRestoredForTab(false)
    void runner.reset()
  }, [runner, examples, tab])
  const selectTab = useCallback(
    (next: number) => {
      if (next === tab) return
      setTab(next)
      if (!hasRunSinceReset.current) return
      hasRunSinceReset.current = false
      setRestoredForTab(true)
      void runner.reset()
    },
    [runner, tab],
  )
  const edit = useCallback(
    (code: string) => {
      runner.prepareCompiler()
      setCodes((current) => current.map((old, i) => (i === tab ? code : old)))
    },
    [runner, tab],
  )

  const { consent } = state
  // A Run waiting on the consent card can be replaced by a new one, as its card says.
  const isBusy =
    state.run.status === 'compiling' || (state.run.status === 'running' && !state.consent)
  return (
    <div
      className="sb-playground not-content"
      data-run-count={state.runCount}
      data-run-status={state.run.status}
      data-expects-error={example.expectsError ? 'true' : 'false'}
      onKeyDown={(event) => {
        // Ctrl/Cmd+Enter runs from anywhere in the playground, not only inside the editor.
        if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && !event.defaultPrevented) {
          event.preventDefault()
          if (!isBusy) run()
        }
      }}
    >
      {examples.length > 1 && (
        <div
          className="sb-tabs"
          role="tablist"
          aria-label="Examples"
          onKeyDown={(event) => {
            // Arrow keys move between tabs, as in any tab list.
            const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key]
            if (!step) return
            const next = (tab + step + examples.length) % examples.length
            selectTab(next)
            document.getElementById(`sb-tab-${next}`)?.focus()
          }}
        >
          {examples.map(({ title }, i) => (
            <button
              key={i}
              id={`sb-tab-${i}`}
              type="button"
              role="tab"
              aria-selected={i === tab}
              aria-controls="sb-example"
              tabIndex={i === tab ? 0 : -1}
              className="sb-tab"
              onClick={() => selectTab(i)}
            >
              {title}
            </button>
          ))}
        </div>
      )}

      <div
        className="sb-workbench"
        id="sb-example"
        {...(examples.length > 1 && { role: 'tabpanel', 'aria-labelledby': `sb-tab-${tab}` })}
      >
        <div className="sb-editor-column">
          <div className="sb-toolbar">
            <span className="sb-example-title">{example.title}</span>
            <button
              type="button"
              className="sb-button sb-run"
              onClick={run}
              disabled={isBusy || !isHydrated}
            >
              Run
            </button>
            <button type="button" className="sb-button" onClick={reset}>
              Reset
            </button>
            <kbd className="sb-shortcut">Ctrl/⌘ + Enter</kbd>
          </div>
          {isRestoredForTab && (
            <p className="sb-meta sb-restored" role="status">
              The lesson’s data and sign-ins were restored for this example: the one you ran before
              may have changed them.
            </p>
          )}
          <CodeEditor
            key={tab}
            value={codes[tab]}
            label={`Code of the example “${example.title}”`}
            onChange={edit}
            onRun={run}
          />
          <BootStatus
            boot={state.boot}
            run={state.run}
            isWaitingForConsent={state.consent !== null}
          />
        </div>

        <aside className="sb-calls" aria-label="The same call in JavaScript and Python">
          {js && (
            <p>
              <span className="sb-lang">JavaScript</span> <code>{js}()</code>
            </p>
          )}
          {(example.python || python) && (
            <>
              <p>
                <span className="sb-lang">Python</span> {python && <code>{python}()</code>}
              </p>
              {example.python && <pre className="sb-python">{example.python.trim()}</pre>}
            </>
          )}
        </aside>
      </div>

      {consent && (
        <ConsentCard
          key={consent.id}
          screen={consent.screen}
          onAnswer={(answer) => runner.answerConsent(consent.id, answer)}
        />
      )}

      <div className="sb-panes">
        <RequestPane run={state.run} />
        <ResponsePane run={state.run} />
        <SqlPane run={state.run} />
        <ConsolePane run={state.run} />
        <InboxPane messages={state.inbox} />
      </div>
    </div>
  )
}
