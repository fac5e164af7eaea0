/** What the page is loading, while it loads, and how the last Run went afterwards. */
import type { BootState, Run } from '../../runner/index.ts'

const STEP_TEXT = {
  'fetching-snapshot': 'Downloading the project’s database',
  'starting-postgres': 'Starting Postgres in the page',
  'creating-project': 'Creating the project (no snapshot: running initdb and the dataset)',
} as const

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

  const steps = [boot.phase === 'ready', boot.isCompilerReady]
  const done = steps.filter(Boolean).length
  if (done < steps.length) {
    const text =
      boot.phase !== 'ready'
        ? (boot.step && STEP_TEXT[boot.step]) || 'Starting the emulator'
        : 'Loading the TypeScript compiler'
    return (
      <p className="sb-status-line" role="status">
        <progress max={steps.length + 1} value={done + 1} aria-label="Loading" /> {text}…
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

  return (
    <p className="sb-status-line" role="status">
      {describeRun(run) ?? `Ready: Postgres started in ${Math.round(boot.bootMs ?? 0)} ms.`}
    </p>
  )
}

function describeRun({ status, durationMs, requests }: Run): string | null {
  const time = `${Math.round(durationMs ?? 0)} ms`
  const count = `${requests.length} ${requests.length === 1 ? 'request' : 'requests'}`
  switch (status) {
    case 'idle':
      return null
    case 'compiling':
      return 'Compiling…'
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
