/**
 * Finds the reader's line for a runtime error: the compiled module carries an inline source
 * map, and the error's stack names a position in that module (its blob: URL).
 */

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const INLINE_MAP = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/
// The first frame in the compiled module: `blob:<origin>/<uuid>:<line>:<column>`.
const MODULE_FRAME = /blob:[^\s)]+?:(\d+):(\d+)/

interface SourceMap {
  sources: string[]
  mappings: string
}

/** The 1-based line of `source` where the error in `stack` was thrown, if it can be told. */
export function findSourceLine(
  code: string,
  stack: string | undefined,
  source: string,
): number | null {
  const frame = stack?.match(MODULE_FRAME)
  const encoded = code.match(INLINE_MAP)?.[1]
  if (!frame || !encoded) return null

  const map = JSON.parse(atob(encoded)) as SourceMap
  return lookUpLine(map, source, Number(frame[1]), Number(frame[2]))
}

/**
 * Walks the mappings up to generated `line` (1-based) and returns the source line of the last
 * segment at or before `column` (1-based, as stacks count), when it belongs to `source`.
 */
export function lookUpLine(
  map: SourceMap,
  source: string,
  line: number,
  column: number,
): number | null {
  const wanted = map.sources.findIndex((name) => name.endsWith(source))
  // Source index, line and column are deltas running across the whole file.
  let sourceIndex = 0
  let sourceLine = 0
  let found: number | null = null

  const lines = map.mappings.split(';')
  for (let i = 0; i < Math.min(line, lines.length); i += 1) {
    let generatedColumn = 0
    for (const segment of lines[i].split(',')) {
      if (!segment) continue
      const [columnDelta, indexDelta, lineDelta] = decodeVlq(segment)
      generatedColumn += columnDelta
      // A segment of one field maps its code to no source at all.
      const isMapped = indexDelta !== undefined
      if (isMapped) {
        sourceIndex += indexDelta
        sourceLine += lineDelta
      }
      if (i === line - 1 && generatedColumn <= column - 1) {
        found = isMapped && sourceIndex === wanted ? sourceLine + 1 : null
      }
    }
  }
  return found
}

function decodeVlq(segment: string): number[] {
  const values: number[] = []
  let value = 0
  let shift = 0
  for (const char of segment) {
    const digit = BASE64.indexOf(char)
    value += (digit & 31) << shift
    if (digit & 32) {
      shift += 5
      continue
    }
    values.push(value & 1 ? -(value >>> 1) : value >>> 1)
    value = 0
    shift = 0
  }
  return values
}
