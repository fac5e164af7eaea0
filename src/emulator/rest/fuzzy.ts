/** "Perhaps you meant ..." hints: the closest known name to a misspelt one. */

/** Edit distance between two strings (insertions, deletions, substitutions). */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i]
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
    }
    previous = current
  }
  return previous[b.length]
}

/** The candidate closest to `name`, if it is close enough to be a plausible typo. */
export function findClosestName(name: string, candidates: Iterable<string>): string | null {
  let best: string | null = null
  let bestDistance = Infinity
  for (const candidate of candidates) {
    const score = distance(name.toLowerCase(), candidate.toLowerCase())
    if (score < bestDistance) [best, bestDistance] = [candidate, score]
  }
  const tolerance = Math.max(2, Math.floor(name.length / 3))
  return bestDistance <= tolerance ? best : null
}
