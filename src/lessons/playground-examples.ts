/** What the Playground island needs of a lesson's examples: the code, not the checks. */
import type { PlaygroundExample } from '../components/playground/Playground.tsx'
import type { Example } from './schema.ts'

/** The examples as the island takes them; `expect` only says whether an error is intended. */
export function toPlaygroundExamples(examples: Example[] = []): PlaygroundExample[] {
  return examples.map(({ title, code, python, expect }) => ({
    title,
    code,
    python,
    expectsError: Boolean(expect.error),
  }))
}
