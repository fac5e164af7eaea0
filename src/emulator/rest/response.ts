/**
 * What a read answers with: the media type chosen from `Accept` (PostgREST's content
 * negotiation over JSON, single object, CSV and query plans) and the response built from it.
 */
import { createResponse, JSON_CONTENT_TYPE } from '../http.ts'
import { RestError } from './errors.ts'
import type { BodyFormat } from './sql-read.ts'

export type PlanOption = 'analyze' | 'verbose' | 'settings' | 'buffers' | 'wal'

export interface Media {
  /** How the body is produced for the data media types. */
  format: BodyFormat
  shouldStripNulls: boolean
  /** Set when a plan (`application/vnd.pgrst.plan`) of the query is asked for instead. */
  plan: { format: 'text' | 'json'; options: PlanOption[] } | null
  contentType: string
}

const PLAN_OPTIONS: PlanOption[] = ['analyze', 'verbose', 'settings', 'buffers', 'wal']

/** Picks the first media type of `Accept` the read can produce, or fails with PGRST107. */
export function negotiateMedia(accept: string | undefined): Media {
  const ranges = splitMediaRanges(accept?.trim() ? accept : '*/*')
  for (const range of ranges) {
    const media = toMedia(range.type, range.params)
    if (media) return media
  }
  const requested = ranges.map((range) => range.type).join(', ')
  throw new RestError(406, 'PGRST107', `None of these media types are available: ${requested}`)
}

interface MediaRange {
  type: string
  params: Map<string, string>
}

function splitMediaRanges(accept: string): MediaRange[] {
  // Commas inside quoted parameters (`for="..."`) do not separate media ranges.
  const parts = accept.match(/(?:[^,"]|"[^"]*")+/g) ?? []
  return parts.map((part) => {
    const [type, ...rest] = part.split(';')
    const params = new Map<string, string>()
    for (const param of rest) {
      const [key, ...value] = param.split('=')
      if (key.trim())
        params.set(key.trim().toLowerCase(), value.join('=').trim().replace(/^"|"$/g, ''))
    }
    return { type: type.trim().toLowerCase(), params }
  })
}

function toMedia(type: string, params: Map<string, string>): Media | null {
  const shouldStripNulls = params.get('nulls') === 'stripped'
  const strip = shouldStripNulls ? '; nulls=stripped' : ''
  switch (type) {
    case '*/*':
    case 'application/*':
    case 'application/json':
      return data('json', false, JSON_CONTENT_TYPE)
    case 'application/vnd.pgrst.array+json':
      return data(
        'json',
        shouldStripNulls,
        `application/vnd.pgrst.array+json${strip}; charset=utf-8`,
      )
    case 'application/vnd.pgrst.object+json':
    case 'application/vnd.pgrst.object':
      return data(
        'single',
        shouldStripNulls,
        `application/vnd.pgrst.object+json${strip}; charset=utf-8`,
      )
    case 'text/csv':
      return data('csv', false, 'text/csv; charset=utf-8')
    case 'application/vnd.pgrst.plan':
    case 'application/vnd.pgrst.plan+text':
    case 'application/vnd.pgrst.plan+json':
      return toPlanMedia(type.endsWith('+json') ? 'json' : 'text', params)
    // Not yet: application/geo+json (PostGIS features); it answers PGRST107 like any unknown
    // media type.
    default:
      return null
  }
}

function data(format: BodyFormat, shouldStripNulls: boolean, contentType: string): Media {
  return { format, shouldStripNulls, plan: null, contentType }
}

// Differs on purpose: a Supabase project answers plans only after `pgrst.db_plan_enabled` is
// turned on; Sandbase always answers them, since showing the plan is what its lessons are for.
function toPlanMedia(format: 'text' | 'json', params: Map<string, string>): Media | null {
  const target = toMedia(params.get('for') ?? 'application/json', new Map())
  if (!target || target.plan) return null
  const options = (params.get('options') ?? '').split('|').filter(Boolean)
  if (!options.every((option) => PLAN_OPTIONS.includes(option as PlanOption))) return null
  const forType = params.get('for') ?? 'application/json'
  return {
    ...target,
    plan: { format, options: options as PlanOption[] },
    contentType: `application/vnd.pgrst.plan+${format}; for="${forType}"; charset=utf-8`,
  }
}

/** The EXPLAIN statement for a built query, with the options the plan media type asked for. */
export function buildExplain(sql: string, plan: NonNullable<Media['plan']>): string {
  const options = [`format ${plan.format}`, ...plan.options]
  return `explain (${options.join(', ')}) ${sql}`
}

/** The single object of `vnd.pgrst.object+json`, or PGRST116 (406) for 0 or several rows. */
export function assertSingleRow(pageTotal: number): void {
  if (pageTotal === 1) return
  throw new RestError(
    406,
    'PGRST116',
    'Cannot coerce the result to a single JSON object',
    `The result contains ${pageTotal} rows`,
  )
}

/** A read response; HEAD gets the same status and headers without the body. */
export function createReadResponse(
  method: string,
  status: number,
  body: string,
  headers: Record<string, string>,
): Response {
  return createResponse(status, method === 'HEAD' ? null : body, headers)
}
