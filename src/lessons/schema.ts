/**
 * The frontmatter of a lesson: which method it teaches, in Python and JS, on which dataset,
 * and its runnable examples with the result each must produce.
 */
import { z } from 'astro/zod'

export const SECTIONS = [
  'introduction',
  'database',
  'filters',
  'modifiers',
  'auth',
  'auth-mfa',
  'auth-admin',
  'functions',
  'realtime',
  'storage',
] as const

/**
 * What an example must produce. `logs` lists the arguments of each `console.log` call in
 * order, matched partially: an object matches when its listed keys match (others may be
 * present), an array when its length and every element match, other values by equality,
 * and the string `"<any>"` matches any value that is present.
 */
export const expectationSchema = z
  .object({
    logs: z.array(z.array(z.unknown())).optional(),
    /** A substring of the uncaught error the example must end with, if it must fail. */
    error: z.string().optional(),
    /** Objects in `logs` must have exactly the listed keys, no others. */
    exact: z.boolean().optional(),
  })
  .strict()

export const exampleSchema = z
  .object({
    title: z.string(),
    /** TypeScript run against the lesson's project; `supabase` is the ready anon client. */
    code: z.string(),
    /** The same call with supabase-py, shown beside the TypeScript. */
    python: z.string().optional(),
    expect: expectationSchema,
  })
  .strict()

export const lessonSchema = z.object({
  section: z.enum(SECTIONS).optional(),
  /** The method's name in supabase-py, e.g. `sign_in_with_password`. */
  python: z.string().optional(),
  /** The method's name in supabase-js, e.g. `signInWithPassword`. */
  js: z.string().optional(),
  /** The dataset in `content/datasets/` the project boots with; none is a fresh project. */
  dataset: z.string().optional(),
  examples: z.array(exampleSchema).default([]),
})

export type Lesson = z.infer<typeof lessonSchema>
export type Example = z.infer<typeof exampleSchema>
export type Expectation = z.infer<typeof expectationSchema>
