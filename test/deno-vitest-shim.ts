// Deno-only: maps the bare `vitest` import to node:test + vitest's expect, so the
// same test files run under vitest, Deno and Bun (see TOOLCHAIN.md).
export { after as afterAll, afterEach, before as beforeAll, beforeEach, describe, it, test } from 'node:test';
export { expect, vi } from 'npm:vitest';
