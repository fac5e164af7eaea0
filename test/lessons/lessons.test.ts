/**
 * Every example of every lesson, run through the emulator the way the page runs it and
 * checked against the result its frontmatter promises, so the docs cannot rot.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { createEmulator, type Emulator } from '../../src/emulator/index.ts'
import { lessonSchema, type Lesson } from '../../src/lessons/schema.ts'
import { matchExpectation } from '../../src/lessons/match.ts'
import { runExampleInNode } from '../../src/runner/node-run.ts'

const LESSONS_DIR = join(import.meta.dirname, '../../content/lessons')

/**
 * Examples whose REST feature has not landed yet: reported as todo instead of run. Shrink
 * this list as the read and write paths grow; it should end up empty.
 */
const AWAITING_REST_FEATURES = new Set<string>([])

// `SANDBASE_RUN_AWAITING=1 npx vitest run test/lessons` shows which awaited ones pass now.
const RUN_AWAITING = Boolean(process.env.SANDBASE_RUN_AWAITING)

const READ_METHODS = ['GET', 'HEAD', 'OPTIONS']

interface LessonFile {
  /** `<section>/<method>`, from the file's path. */
  name: string
  lesson: Lesson
}

function findLessonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return findLessonFiles(path)
    return /\.mdx?$/.test(entry.name) && !entry.name.startsWith('_') ? [path] : []
  })
}

function readLesson(path: string): LessonFile {
  const name = relative(LESSONS_DIR, path).replace(/\.mdx?$/, '')
  const source = readFileSync(path, 'utf8')
  const frontmatter = /^---\r?\n([\s\S]*?)\r?\n---\r?\n/.exec(source)
  if (!frontmatter) throw new Error(`${name}: no frontmatter block at the top of the file`)

  const data: unknown = parseYaml(frontmatter[1])
  const parsed = lessonSchema.safeParse(data)
  if (!parsed.success) {
    throw new Error(`${name}: invalid frontmatter: ${parsed.error.message}`)
  }
  const { title } = data as { title?: unknown }
  if (typeof title !== 'string') throw new Error(`${name}: frontmatter needs a title`)
  return { name, lesson: parsed.data }
}

const lessonFiles = findLessonFiles(LESSONS_DIR).sort().map(readLesson)

test('finds the lessons', () => {
  expect(lessonFiles.length).toBeGreaterThan(0)
})

const exampleNames = lessonFiles.flatMap(({ name, lesson }) =>
  lesson.examples.map((example) => `${name}: ${example.title}`),
)

test('gives every example a name of its own', () => {
  expect(exampleNames.filter((name, index) => exampleNames.indexOf(name) !== index)).toEqual([])
})

test('awaits only examples that exist', () => {
  const unknown = [...AWAITING_REST_FEATURES].filter((name) => !exampleNames.includes(name))
  expect(unknown).toEqual([])
})

for (const { name, lesson } of lessonFiles) {
  if (lesson.examples.length === 0) continue

  describe(name, () => {
    let emulator: Emulator
    // A reset costs a reboot from the snapshot, so it follows only examples that sent a
    // request able to change something: anything but GET, HEAD and OPTIONS.
    let isDirty = false

    beforeAll(async () => {
      emulator = await createEmulator({ dataset: lesson.dataset })
      emulator.trace.subscribe((event) => {
        if (event.type === 'http-request' && !READ_METHODS.includes(event.method)) isDirty = true
      })
    })
    afterAll(() => emulator?.close())

    for (const example of lesson.examples) {
      const testName = `${name}: ${example.title}`
      if (AWAITING_REST_FEATURES.has(testName) && !RUN_AWAITING) {
        test.todo(testName)
        continue
      }

      test(testName, async () => {
        if (isDirty) await emulator.reset()
        isDirty = false
        const outcome = await runExampleInNode(emulator, example.code)
        const result = matchExpectation(outcome, example.expect)
        if (!result.ok) expect.fail(`${result.message}\nlogged: ${JSON.stringify(outcome.logs)}`)
      })
    }
  })
}
