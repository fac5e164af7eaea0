/** Go's duration strings (`24h`, `1h30m`, `500ms`), which GoTrue's `ban_duration` takes. */
import { badRequest } from './errors.ts'

const UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
}

/** Parses a Go duration into milliseconds, or fails as GoTrue does on a bad one. */
export function parseDuration(text: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)]
  const consumed = parts.map((part) => part[0]).join('')
  if (!parts.length || consumed !== text) {
    throw badRequest(
      'validation_failed',
      `invalid format for ban duration: time: invalid duration "${text}"`,
    )
  }
  return parts.reduce((total, [, amount, unit]) => total + Number(amount) * UNITS[unit], 0)
}
