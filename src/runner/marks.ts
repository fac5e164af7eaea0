/**
 * Names moments of the boot and of each Run on the page's performance timeline
 * (`sandbase:<name>`), so the bench and a reader's devtools can tell where the time went.
 */

/** Marks `name` now; a later mark of the same name is a later Run's. */
export function markMoment(name: string): void {
  performance.mark(`sandbase:${name}`)
}
