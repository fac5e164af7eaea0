/**
 * Compiles the reader's TypeScript with esbuild-wasm into one ES module. Imports of
 * `@supabase/supabase-js` resolve to the SDK the page already loaded, and a free `supabase`
 * identifier is the ready client, so short examples need no boilerplate.
 */
import type * as Esbuild from 'esbuild-wasm'

/**
 * The global the runtime fills before importing the compiled module:
 * `{ modules: { '@supabase/supabase-js': sdk }, supabase: client, console: capturingConsole,
 * openInBrowser, getIdToken, env: { SUPABASE_URL, SUPABASE_ANON_KEY, SUPABASE_SERVICE_ROLE_KEY } }`.
 */
export const RUNTIME_GLOBAL = '__sandbase'

export interface CompileProblem {
  message: string
  line: number | null
  column: number | null
}

export type CompileResult = { ok: true; code: string } | { ok: false; problems: CompileProblem[] }

const SDK_MODULES = ['@supabase/supabase-js']

/** Compiles `source` with an initialised esbuild-wasm; problems carry the reader's line. */
export async function compileUserCode(
  esbuild: typeof Esbuild,
  source: string,
): Promise<CompileResult> {
  try {
    const result = await esbuild.build({
      stdin: { contents: source, loader: 'ts', sourcefile: 'example.ts' },
      bundle: true,
      write: false,
      format: 'esm',
      target: 'es2022',
      logLevel: 'silent',
      // A free `supabase` is the ready client and `console` the page's Console pane; names
      // the reader declares shadow them.
      define: {
        supabase: `globalThis.${RUNTIME_GLOBAL}.supabase`,
        console: `globalThis.${RUNTIME_GLOBAL}.console`,
        inbox: `globalThis.${RUNTIME_GLOBAL}.inbox`,
        // Plays the browser on an OAuth/SSO URL, through the consent step (open-in-browser.ts).
        openInBrowser: `globalThis.${RUNTIME_GLOBAL}.openInBrowser`,
        // Plays a provider's SDK handing out an ID token, after the same consent step.
        getIdToken: `globalThis.${RUNTIME_GLOBAL}.getIdToken`,
        // Server-side examples read the project's URL and keys the way real code does:
        // SUPABASE_URL, SUPABASE_ANON_KEY and SUPABASE_SERVICE_ROLE_KEY.
        'process.env': `globalThis.${RUNTIME_GLOBAL}.env`,
      },
      banner: { js: INBOX_PRELUDE },
      // A dynamic import() of a computed URL would load code from the network; unsupported,
      // esbuild turns it into a require() that fails at run time.
      supported: { 'dynamic-import': false },
      // Maps a runtime error's position back to the reader's line (see source-lines.ts).
      sourcemap: 'inline',
      sourcesContent: false,
      plugins: [sdkPlugin()],
    })
    return { ok: true, code: result.outputFiles[0].text }
  } catch (error) {
    const { errors } = error as { errors?: Esbuild.Message[] }
    if (!errors) throw error
    return { ok: false, problems: errors.map(toProblem) }
  }
}

// A free `inbox(to?)` reads the messages the project's auth "sent" (newest first), so an
// example can finish a sign-up or magic-link flow unattended. It goes through the ready
// client's own fetch, which reaches the in-page project in the browser and in Node alike.
const INBOX_PRELUDE = `globalThis.${RUNTIME_GLOBAL}.inbox ??= async function inbox(to) {
  const client = globalThis.${RUNTIME_GLOBAL}.supabase
  const query = to ? '?to=' + encodeURIComponent(to) : ''
  const response = await client.fetch(client.authUrl.href + '/__sandbase/inbox' + query)
  return response.json()
};`

function toProblem({ text, location }: Esbuild.Message): CompileProblem {
  return { message: text, line: location?.line ?? null, column: location?.column ?? null }
}

// The SDK is not bundled into each Run: it is read from the global the runtime set up.
function sdkPlugin(): Esbuild.Plugin {
  return {
    name: 'sandbase-sdk',
    setup(build) {
      build.onResolve({ filter: /.*/ }, ({ path, kind }) => {
        if (kind === 'entry-point') return undefined
        if (SDK_MODULES.includes(path)) return { path, namespace: 'sandbase-sdk' }
        return {
          errors: [{ text: `Sandbase runs offline: only ${SDK_MODULES.join(', ')} can be imported` }],
        }
      })
      build.onLoad({ filter: /.*/, namespace: 'sandbase-sdk' }, ({ path }) => ({
        contents: `const sdk = globalThis.${RUNTIME_GLOBAL}.modules[${JSON.stringify(path)}]
export const { ${SDK_EXPORTS.join(', ')} } = sdk
export default sdk`,
        loader: 'js',
      }))
    },
  }
}

// The named exports of supabase-js 2.x, so `import { createClient } from ...` works.
const SDK_EXPORTS = [
  'FunctionRegion', 'FunctionsError', 'FunctionsFetchError', 'FunctionsHttpError',
  'FunctionsRelayError', 'PostgrestError', 'StorageApiError', 'SupabaseClient', 'createClient',
  'GoTrueAdminApi', 'GoTrueClient', 'AuthAdminApi', 'AuthClient', 'navigatorLock',
  'NavigatorLockAcquireTimeoutError', 'lockInternals', 'processLock', 'SIGN_OUT_SCOPES',
  'AuthError', 'AuthApiError', 'AuthUnknownError', 'CustomAuthError', 'AuthSessionMissingError',
  'AuthInvalidTokenResponseError', 'AuthInvalidCredentialsError',
  'AuthImplicitGrantRedirectError', 'AuthPKCEGrantCodeExchangeError',
  'AuthPKCECodeVerifierMissingError', 'AuthRetryableFetchError', 'AuthRefreshDiscardedError',
  'AuthWeakPasswordError', 'AuthInvalidJwtError', 'isAuthError', 'isAuthApiError',
  'isAuthSessionMissingError', 'isAuthImplicitGrantRedirectError',
  'isAuthPKCECodeVerifierMissingError', 'isAuthRetryableFetchError',
  'isAuthRefreshDiscardedError', 'isAuthWeakPasswordError', 'RealtimePresence',
  'RealtimeChannel', 'RealtimeClient', 'RealtimePostgresFilterBuilder', 'postgresChangesFilter',
  'REALTIME_LISTEN_TYPES', 'REALTIME_POSTGRES_CHANGES_LISTEN_EVENT',
  'REALTIME_PRESENCE_LISTEN_EVENTS', 'REALTIME_SUBSCRIBE_STATES', 'REALTIME_CHANNEL_STATES',
  'WebSocketFactory',
]
