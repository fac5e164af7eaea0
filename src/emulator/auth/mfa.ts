import type { AuthHandler } from './context.ts'
import { notYet } from './errors.ts'

export const handleEnroll: AuthHandler = async () => { throw notYet('MFA') }
export const handleChallenge = handleEnroll
export const handleVerifyFactor = handleEnroll
export const handleUnenroll = handleEnroll
