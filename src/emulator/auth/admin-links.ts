import type { AuthHandler } from './context.ts'
import { notYet } from './errors.ts'

export const handleInvite: AuthHandler = async () => { throw notYet('admin') }
export const handleGenerateLink = handleInvite
export const handleAdminListFactors = handleInvite
export const handleAdminDeleteFactor = handleInvite
