import { defineConfig } from 'vitest/config'

// The end-to-end suite: real Chromium against the built site, which `npm run e2e` serves.
export default defineConfig({
  test: {
    include: ['e2e/**/*.spec.ts'],
    testTimeout: 90_000,
    hookTimeout: 90_000,
    fileParallelism: false,
  },
})
