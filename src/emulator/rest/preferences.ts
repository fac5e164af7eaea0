/**
 * The `Prefer` header (RFC 7240) as PostgREST reads it: comma-separated values across one or
 * more headers, the first value of each kind wins, unknown values are collected and rejected
 * only under `handling=strict`. Mirrors PostgREST's `ApiRequest/Preferences.hs`.
 */
import { RestError } from './errors.ts'

export type PreferReturn = 'minimal' | 'headers-only' | 'representation'
export type PreferCount = 'exact' | 'planned' | 'estimated'
export type PreferResolution = 'merge-duplicates' | 'ignore-duplicates'
export type PreferMissing = 'default' | 'null'
export type PreferTx = 'commit' | 'rollback'
export type PreferHandling = 'lenient' | 'strict'
/** Deprecated by PostgREST but still honoured: the whole rpc body as one json argument. */
export type PreferParams = 'single-object'

export interface Preferences {
  return?: PreferReturn
  count?: PreferCount
  resolution?: PreferResolution
  missing?: PreferMissing
  tx?: PreferTx
  handling?: PreferHandling
  params?: PreferParams
  maxAffected?: number
  /** Values no preference recognised, as sent. */
  invalid: string[]
}

type Kind = Exclude<keyof Preferences, 'invalid' | 'maxAffected'>

const ACCEPTED: Record<Kind, readonly string[]> = {
  return: ['minimal', 'headers-only', 'representation'],
  count: ['exact', 'planned', 'estimated'],
  resolution: ['merge-duplicates', 'ignore-duplicates'],
  missing: ['default', 'null'],
  tx: ['commit', 'rollback'],
  handling: ['lenient', 'strict'],
  params: ['single-object'],
}

/** Parses every `Prefer` value of a request; `header` is the (comma-joined) header value. */
export function parsePreferences(header: string | undefined): Preferences {
  const preferences: Preferences = { invalid: [] }
  const values = (header ?? '')
    .split(',')
    .map((value) => value.trim())
    .filter(Boolean)

  let hasMaxAffected = false
  for (const value of values) {
    const [name, setting = ''] = splitOnce(value, '=')
    if (name === 'max-affected') {
      // Only the first one counts, and only if it is an integer; it is never "invalid".
      if (!hasMaxAffected && /^-?\d+$/.test(setting)) preferences.maxAffected = Number(setting)
      hasMaxAffected = true
      continue
    }
    // Not yet: timezone=...; it is accepted without being applied (no Preference-Applied echo).
    if (name === 'timezone') continue
    const kind = name as Kind
    if (kind in ACCEPTED && ACCEPTED[kind].includes(setting)) {
      if (preferences[kind] === undefined) (preferences as Record<Kind, string>)[kind] = setting
      continue
    }
    preferences.invalid.push(value)
  }
  return preferences
}

/** Throws PGRST122 when `handling=strict` meets a preference PostgREST does not know. */
export function checkStrictPreferences(preferences: Preferences): void {
  if (preferences.handling !== 'strict' || preferences.invalid.length === 0) return
  throw new RestError(
    400,
    'PGRST122',
    'Invalid preferences given with handling=strict',
    `Invalid preferences: ${preferences.invalid.join(', ')}`,
  )
}

/** Whether a mutation's `Content-Range` carries a total (PostgREST's `shouldCount`). */
export function shouldCount(preferences: Preferences): boolean {
  return preferences.count === 'exact' || preferences.count === 'estimated'
}

export type AppliedKind = Kind | 'maxAffected'

// The order PostgREST writes them in `Preference-Applied`.
const APPLIED_ORDER: AppliedKind[] = [
  'resolution',
  'missing',
  'return',
  'params',
  'count',
  'tx',
  'handling',
  'maxAffected',
]

/**
 * The `Preference-Applied` header for the preferences a response honoured; `kinds` lists the
 * ones this kind of request can apply. `max-affected` is echoed only under `handling=strict`.
 */
export function formatPreferenceApplied(
  preferences: Preferences,
  kinds: AppliedKind[],
): Record<string, string> {
  const applied: string[] = []
  for (const kind of APPLIED_ORDER) {
    if (!kinds.includes(kind)) continue
    if (kind === 'maxAffected') {
      const { maxAffected, handling } = preferences
      if (maxAffected !== undefined && handling === 'strict') {
        applied.push(`max-affected=${maxAffected}`)
      }
      continue
    }
    const value = preferences[kind]
    if (value !== undefined) applied.push(`${kind}=${value}`)
  }
  return applied.length ? { 'preference-applied': applied.join(', ') } : {}
}

function splitOnce(text: string, separator: string): [string, string?] {
  const index = text.indexOf(separator)
  return index < 0 ? [text] : [text.slice(0, index), text.slice(index + 1)]
}
