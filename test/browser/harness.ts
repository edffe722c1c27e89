// The `vitest` module as the test files see it in the browser suite: describe,
// it, hooks and vitest's own `expect` (from @vitest/expect, the package vitest
// builds its expect from, on chai). scripts/browser.mjs bundles the codec test
// files with `vitest` aliased here and calls runSuite() in the page.
import {
  ASYMMETRIC_MATCHERS_OBJECT,
  chai,
  type ExpectStatic,
  getState,
  JestAsymmetricMatchers,
  JestChaiExpect,
  JestExtend,
  setState,
} from '@vitest/expect';

chai.use(JestExtend);
chai.use(JestChaiExpect);
chai.use(JestAsymmetricMatchers);

type Fn = () => unknown;

interface Test {
  name: string;
  file: string;
  fn: Fn;
  skip: boolean;
  timeout: number;
}

interface Suite {
  name: string;
  parent: Suite | null;
  file: string;
  skip: boolean;
  children: Array<Suite | Test>;
  beforeAll: Fn[];
  afterAll: Fn[];
  beforeEach: Fn[];
  afterEach: Fn[];
}

/** One test's outcome, as the runner prints it. */
export interface TestResult {
  file: string;
  name: string;
  state: 'pass' | 'fail' | 'skip';
  error?: string;
  ms: number;
}

const DEFAULT_TIMEOUT = 30_000; // as vitest.config.ts

function newSuite(name: string, parent: Suite | null, skip: boolean): Suite {
  return { name, parent, file: currentFile, skip, children: [], beforeAll: [], afterAll: [], beforeEach: [], afterEach: [] };
}

let currentFile = '';
const root = newSuite('', null, false);
let current = root;

/**
 * Called by the bundle's entry before each test file's module runs: each file
 * gets a suite of its own, so its top-level hooks stay with its tests.
 */
export function setFile(file: string): void {
  currentFile = file;
  current = newSuite('', root, false);
  root.children.push(current);
}

function collect(name: string, body: Fn, skip: boolean): void {
  const suite = newSuite(name, current, skip || current.skip);
  current.children.push(suite);
  const parent = current;
  current = suite;
  try {
    const r = body();
    if (r instanceof Promise) throw new Error(`describe("${name}") must be synchronous`);
  } finally {
    current = parent;
  }
}

function addTest(name: string, fn: Fn, skip: boolean, timeout = DEFAULT_TIMEOUT): void {
  current.children.push({ name, file: currentFile, fn, skip: skip || current.skip, timeout });
}

/** `%s %d %i %j %o %%` as vitest formats each() titles. */
function format(title: string, args: unknown[]): string {
  let i = 0;
  return title.replace(/%[sdijo%]/g, (m) => {
    if (m === '%%') return '%';
    const v = args[i++];
    if (m === '%j' || m === '%o') return JSON.stringify(v);
    if (m === '%d' || m === '%i') return String(Number(v));
    return String(v);
  });
}

function each(table: unknown[], register: (name: string, fn: Fn) => void) {
  return (title: string, fn: (...args: unknown[]) => unknown) => {
    for (const row of table) {
      const args = Array.isArray(row) ? row : [row];
      register(format(title, args), () => fn(...args));
    }
  };
}

type TestApi = ((name: string, fn: Fn, timeout?: number) => void) & {
  skip: (name: string, fn?: Fn) => void;
  each: (table: unknown[]) => (title: string, fn: (...args: unknown[]) => unknown) => void;
};

export const it: TestApi = Object.assign((name: string, fn: Fn, timeout?: number) => addTest(name, fn, false, timeout), {
  skip: (name: string, fn: Fn = () => {}) => addTest(name, fn, true),
  each: (table: unknown[]) => each(table, (name, fn) => addTest(name, fn, false)),
});
export const test = it;

export const describe = Object.assign((name: string, body: Fn) => collect(name, body, false), {
  skip: (name: string, body: Fn) => collect(name, body, true),
  each: (table: unknown[]) => each(table, (name, body) => collect(name, body, false)),
});

export const beforeAll = (fn: Fn) => void current.beforeAll.push(fn);
export const afterAll = (fn: Fn) => void current.afterAll.push(fn);
export const beforeEach = (fn: Fn) => void current.beforeEach.push(fn);
export const afterEach = (fn: Fn) => void current.afterEach.push(fn);

// vitest's createExpect(), without the parts that need its runner (snapshots, poll, soft).
export const expect = ((value: unknown, message?: string) => {
  const { assertionCalls } = getState(expect);
  setState({ assertionCalls: assertionCalls + 1 }, expect);
  return chai.expect(value, message);
}) as unknown as ExpectStatic;
Object.assign(expect, chai.expect);
Object.assign(expect, (globalThis as Record<symbol, unknown>)[ASYMMETRIC_MATCHERS_OBJECT]);
expect.getState = () => getState(expect);
expect.setState = (s) => setState(s, expect);
setState({ assertionCalls: 0, isExpectingAssertions: false, expectedAssertionsNumber: null, environment: 'browser' }, expect);

export const vi = new Proxy(
  {},
  {
    get(_, key) {
      throw new Error(`vi.${String(key)} is not available in the browser suite`);
    },
  },
);

function errorText(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}${'diff' in e && typeof e.diff === 'string' ? `\n${e.diff}` : ''}`;
  return String(e);
}

async function withTimeout(fn: Fn, ms: number, what: string): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      Promise.resolve().then(fn),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function hooks(suite: Suite | null, pick: (s: Suite) => Fn[]): Fn[] {
  const out: Fn[] = [];
  for (let s = suite; s; s = s.parent) out.unshift(...pick(s));
  return out;
}

async function runSuiteTree(suite: Suite, path: string[], results: TestResult[]): Promise<void> {
  const tests = (s: Suite): number => s.children.reduce((n, c) => n + ('children' in c ? tests(c) : c.skip ? 0 : 1), 0);
  let setupError: unknown = null;
  if (tests(suite) > 0) {
    for (const h of suite.beforeAll) {
      try {
        await withTimeout(h, DEFAULT_TIMEOUT, 'beforeAll');
      } catch (e) {
        setupError ??= e;
      }
    }
  }
  for (const child of suite.children) {
    if ('children' in child) {
      await runSuiteTree(child, child.name === '' ? path : [...path, child.name], results);
      continue;
    }
    const name = [...path, child.name].join(' > ');
    if (child.skip) {
      results.push({ file: child.file, name, state: 'skip', ms: 0 });
      continue;
    }
    const t0 = performance.now();
    let error: unknown = setupError;
    if (error === null) {
      try {
        for (const h of hooks(suite, (s) => s.beforeEach)) await h();
        await withTimeout(child.fn, child.timeout, `test "${child.name}"`);
      } catch (e) {
        error = e;
      }
      for (const h of hooks(suite, (s) => s.afterEach).reverse()) {
        try {
          await h();
        } catch (e) {
          error ??= e;
        }
      }
    }
    const ms = performance.now() - t0;
    results.push(error === null ? { file: child.file, name, state: 'pass', ms } : { file: child.file, name, state: 'fail', error: errorText(error), ms });
  }
  for (const h of suite.afterAll) {
    try {
      await h();
    } catch (e) {
      results.push({ file: suite.file, name: [...path, 'afterAll'].join(' > '), state: 'fail', error: errorText(e), ms: 0 });
    }
  }
}

/** Run every collected test in order, one at a time. */
export async function runSuite(): Promise<TestResult[]> {
  const results: TestResult[] = [];
  await runSuiteTree(root, [], results);
  return results;
}
