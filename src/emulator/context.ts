import type { PGlite } from '@electric-sql/pglite'
import type { ProjectKeys } from './keys.ts'
import type { Tracer } from './trace.ts'

/** What every service is built from. `getDb` because a reset swaps the PGlite instance. */
export interface ServiceContext {
  getDb(): PGlite
  tracer: Tracer
  keys: ProjectKeys
  url: string
  /** Called after a reset, so services can drop caches. */
  onReset: Set<() => void>
}
