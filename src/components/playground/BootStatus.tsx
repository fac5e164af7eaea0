/** What the page is loading, while it loads, and how the last Run went afterwards. */
import type { BootState, Run } from '../../runner/index.ts'
import { describeStatementLimit } from './format.ts'

const STEP_TEXT = {
  'fetching-snapshot': 'Downloading the project’s database',
  'starting-postgres': 'Starting Postgres in the page',
  'creating-project': 'Creating the project (no snapshot: running initdb and the dataset)',
} as const

// How far each step is along the boot, out of BOOT_STEPS; the two ways to start Postgres
// are the same step.
const STEP_NUMBER = {
  'fetching-snapshot': 1,
  'starting-postgres': 2,
  'creating-project': 2,
} as const
const BOOT_STEPS = 3

/** One status line with a progress bar while booting. */
export function BootStatus({
  boot,
  run,
  isWaitingForConsent = false,
}: {
  boot: BootState
  run: Run
  /** The Run waits on the consent card, not on the machine. */
  isWaitingForConsent?: boolean
}) {
  if (boot.phase === 'failed') {
    return (
      <p className="sb-status-line sb-error" role="alert">
        The in-page project failed to start: {boot.error?.message}
      </p>
    )
  }

  if (boot.compilerError) {
    return (
      <p className="sb-status-line sb-error" role="alert">
        The TypeScript compiler failed to load: {boot.compilerError}
      </p>
    )
  }

  if (boot.phase !== 'ready') {
    const starting = boot.restart
      ? 'Restarting the project from the lesson’s data'
      : 'Starting the emulator'
    const text = (boot.step && STEP_TEXT[boot.step]) || starting
    const step = boot.step ? STEP_NUMBER[boot.step] : 0
    return (
      <p className="sb-status-line" role="status">
        <progress max={BOOT_STEPS} value={step} aria-label="Loading" /> {text}…
      </p>
    )
  }

  if (isWaitingForConsent) {
    return (
      <p className="sb-status-line" role="status">
        Waiting for your answer on the Sign-in consent card…
      </p>
    )
  }

  const status = (
    <p className="sb-status-line" role="status">
      {describeRun(run, boot) ?? `Ready: Postgres started in ${Math.round(boot.bootMs ?? 0)} ms.`}
    </p>
  )
  if (!boot.restart) return status
  return (
    <>
      {status}
      <p className="sb-status-line sb-log-warn" role="alert">
        The project was restarted from the lesson’s data after a statement ran past{' '}
        {describeStatementLimit(boot.restart)}. Changes made since the page loaded (or the last
        Reset) are gone.
      </p>
    </>
  )
}

function describeRun({ status, durationMs, requests }: Run, boot: BootState): string | null {
  const time = `${Math.round(durationMs ?? 0)} ms`
  const count = `${requests.length} ${requests.length === 1 ? 'request' : 'requests'}`
  switch (status) {
    case 'idle':
      return null
    case 'compiling':
      // The examples run without the compiler; edited code may wait for it to load.
      return boot.isCompilerReady ? 'Compiling…' : 'Loading the TypeScript compiler…'
    case 'running':
      return 'Running…'
    case 'done':
      return `Ran in ${time} · ${count}`
    case 'failed':
      return `Failed after ${time} · ${count}`
    case 'stopped':
      return `Stopped after ${time}`
  }
}
