// @ts-check
import { existsSync } from 'node:fs'
import { defineConfig } from 'astro/config'
import starlight from '@astrojs/starlight'
import react from '@astrojs/react'

// Chapters in reading order; a chapter appears in the sidebar once its folder has lessons.
const CHAPTERS = [
  ['Introduction', 'introduction'],
  ['Database', 'database'],
  ['Using filters', 'filters'],
  ['Using modifiers', 'modifiers'],
  ['Auth', 'auth'],
  ['Auth MFA', 'auth-mfa'],
  ['Auth admin', 'auth-admin'],
  ['Edge functions', 'functions'],
  ['Realtime', 'realtime'],
  ['Storage', 'storage'],
]

// Starlight matches `autogenerate.directory` against each entry's file path relative to
// src/content/docs; lessons live outside it, so their paths keep the `content/` prefix.
const sidebar = CHAPTERS.filter(([, folder]) => existsSync(`./content/lessons/${folder}`)).map(
  ([label, folder]) => ({ label, autogenerate: { directory: `content/lessons/${folder}` } }),
)

export default defineConfig({
  integrations: [
    starlight({
      title: 'Sandbase',
      description: 'An interactive, offline reference for the Supabase client',
      sidebar,
      customCss: ['./src/styles/playground.css'],
      components: {
        PageTitle: './src/components/starlight/PageTitle.astro',
      },
    }),
    react(),
  ],
  vite: {
    // Both ship wasm next to their JS and find it through import.meta.url, which the
    // dependency pre-bundler would break.
    optimizeDeps: {
      exclude: ['@electric-sql/pglite', 'esbuild-wasm'],
      // Found only inside workers and lazy imports, so the dev server would discover them
      // late and reload the page mid-boot; listing them pre-bundles them up front.
      include: [
        '@supabase/supabase-js',
        'jose',
        'otpauth',
        'qrcode-generator',
        'codemirror',
        '@codemirror/view',
        '@codemirror/state',
        '@codemirror/lang-javascript',
        '@codemirror/lang-sql',
        '@codemirror/theme-one-dark',
        '@lezer/highlight',
      ],
    },
    worker: { format: 'es' },
  },
})
