// Lint run by `npm run lint` (and so by `npm test`), warnings included (--max-warnings 0).
// Beyond the recommended sets, only rules that catch real bugs and stay quiet on sound code.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const TEST_RUNNERS = '^(describe|it|test|suite|bench)$';
const NOT_RUN = '^(only|skip|skipIf|runIf|todo)$';

export default defineConfig(
  { ignores: ['dist/', 'data/', 'proto/generated/'] },
  {
    files: ['**/*.{ts,js,mjs,cjs}'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `const { dropped: _dropped, ...kept } = x` is how a field is left out of a copy.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
      // A `let` that callbacks read before its one assignment (wired in a later step) stays a `let`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'array-callback-return': 'error',
      'no-template-curly-in-string': 'error',
      'no-unreachable-loop': 'error',
    },
  },
  {
    files: ['**/*.{js,mjs}'],
    languageOptions: { globals: { console: 'readonly', process: 'readonly' } },
  },
  {
    // The dashboard's ES modules run in the browser.
    files: ['collector/http/dashboard/*.js'],
    languageOptions: {
      globals: Object.fromEntries(['window', 'document', 'location', 'sessionStorage', 'fetch', 'URL', 'URLSearchParams', 'Blob', 'FormData', 'setTimeout', 'setInterval', 'performance', 'ResizeObserver']
        .map((name) => [name, 'readonly'])),
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
  {
    // Typed rules: a promise left unawaited, or passed where nothing awaits it, loses its errors.
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { project: './tsconfig.check.json', tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      '@typescript-eslint/prefer-promise-reject-errors': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true, allowNullish: true }],
      '@typescript-eslint/no-for-in-array': 'error',
      '@typescript-eslint/no-array-delete': 'error',
      '@typescript-eslint/no-implied-eval': 'error',
    },
  },
  {
    // Every test runs every time: a focused, skipped or pending test hides a failure.
    files: ['test/**/*.ts'],
    rules: {
      'no-restricted-syntax': ['error', {
        selector: `MemberExpression[property.name=/${NOT_RUN}/]:matches([object.name=/${TEST_RUNNERS}/], [object.object.name=/${TEST_RUNNERS}/])`,
        message: 'Tests always run: no .only, .skip, .skipIf, .runIf or .todo.',
      }],
    },
  },
);
