/** What the Playground island needs of a lesson's examples: the code, not the checks. */
import type { PlaygroundExample } from '../components/playground/Playground.tsx'
import type { Example } from './schema.ts'

/**
 * The examples as the island takes them, with the JavaScript each compiled to at build time
 * when there is one; `expect` only says whether an error is intended.
 */
export function toPlaygroundExamples(
  examples: Example[] = [],
  compiled: (string | null | undefined)[] = [],
): PlaygroundExample[] {
  return examples.map(({ title, code, python, expect }, i) => ({
    title,
    code,
    compiled: compiled[i] ?? undefined,
    python,
    expectsError: Boolean(expect.error),
  }))
}
