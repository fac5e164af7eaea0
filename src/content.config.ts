/** Starlight's `docs` collection, read from the top-level `content/` folder. */
import { defineCollection } from 'astro:content'
import { glob } from 'astro/loaders'
import { docsSchema } from '@astrojs/starlight/schema'
import { lessonSchema } from './lessons/schema.ts'

export const collections = {
  docs: defineCollection({
    // Lessons live in `content/` beside their datasets, not in `src/content/docs/`.
    loader: glob({ base: './content', pattern: ['index.mdx', 'lessons/**/[^_]*.{md,mdx}'] }),
    schema: docsSchema({ extend: lessonSchema }),
  }),
}
