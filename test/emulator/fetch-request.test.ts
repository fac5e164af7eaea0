/** The emulator's fetch reads its arguments as the Fetch standard's `new Request` would. */
import { describe, expect, it } from 'vitest'
import { readFetchRequest } from '../../src/emulator/fetch-request.ts'

const URL_TEXT = 'http://localhost:54321/rest/v1/notes?id=eq.1'

describe('readFetchRequest', () => {
  it('reads a URL string with a plain init: method, lower-cased headers, body', async () => {
    const request = await readFetchRequest(URL_TEXT, {
      method: 'post',
      headers: { Prefer: 'return=minimal', 'Content-Type': 'application/json' },
      body: '{"id":1}',
    })
    expect(request.method).toBe('POST')
    expect(request.url.pathname).toBe('/rest/v1/notes')
    expect(request.url.searchParams.get('id')).toBe('eq.1')
    expect(request.headers).toEqual({ prefer: 'return=minimal', 'content-type': 'application/json' })
    expect(request.body).toBe('{"id":1}')
  })

  it('upper-cases only the methods the standard normalises', async () => {
    expect((await readFetchRequest(URL_TEXT, { method: 'delete' })).method).toBe('DELETE')
    // PATCH is not in the standard's list: a lower-case patch stays lower-case.
    expect((await readFetchRequest(URL_TEXT, { method: 'patch' })).method).toBe('patch')
  })

  it('takes headers as a Headers object or as pairs, joining repeated names', async () => {
    const fromHeaders = await readFetchRequest(URL_TEXT, { headers: new Headers({ A: '1' }) })
    expect(fromHeaders.headers).toEqual({ a: '1' })
    const fromPairs = await readFetchRequest(URL_TEXT, {
      headers: [
        ['Accept', 'text/csv'],
        ['accept', 'application/json'],
      ],
    })
    expect(fromPairs.headers).toEqual({ accept: 'text/csv, application/json' })
  })

  it('refuses a body on GET and an invalid header, as fetch does', async () => {
    await expect(readFetchRequest(URL_TEXT, { body: 'x' })).rejects.toThrow(TypeError)
    await expect(
      readFetchRequest(URL_TEXT, { headers: { 'bad name': 'x' } }),
    ).rejects.toThrow(TypeError)
  })

  it('reads a Request object and a non-text body through the standard classes', async () => {
    const fromRequest = await readFetchRequest(
      new Request(URL_TEXT, { method: 'PUT', body: 'hello', headers: { 'X-A': 'b' } }),
    )
    expect(fromRequest).toMatchObject({ method: 'PUT', body: 'hello', headers: { 'x-a': 'b' } })

    const bytes = new TextEncoder().encode('bytes in')
    const fromBytes = await readFetchRequest(URL_TEXT, { method: 'POST', body: bytes })
    expect(fromBytes.body).toBe('bytes in')
  })

  it('refuses what fetch refuses: forbidden or malformed methods, credentials in the URL', async () => {
    for (const method of ['CONNECT', 'trace', 'G T']) {
      await expect(readFetchRequest(URL_TEXT, { method })).rejects.toThrow(TypeError)
    }
    const withCredentials = 'http://user:secret@localhost:54321/rest/v1/notes'
    await expect(readFetchRequest(withCredentials)).rejects.toThrow(TypeError)
    // A null init is the same as none.
    expect((await readFetchRequest(URL_TEXT, null)).method).toBe('GET')
  })
})
