import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Deno-only files (the `Deno` global, Deno.serve): run by `deno test test/deno`.
    exclude: [...configDefaults.exclude, 'test/deno/**'],
    testTimeout: 30_000,
  },
});
