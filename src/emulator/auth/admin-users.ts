import type { AuthHandler } from './context.ts'
import { notYet } from './errors.ts'

export const handleAdminListUsers: AuthHandler = async () => { throw notYet('admin') }
export const handleAdminCreateUser = handleAdminListUsers
export const handleAdminGetUser = handleAdminListUsers
export const handleAdminUpdateUser = handleAdminListUsers
export const handleAdminDeleteUser = handleAdminListUsers
