export { createAuthService } from './service.ts'
export type { InboxMessage } from './inbox.ts'
export type { AuthSettings } from './settings.ts'
