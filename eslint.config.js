// Lint enforces what discipline alone would not: floating promises, type-only imports, no import
// circles, api/ apart from worker/, and determinism in workflow code (no Node builtins, I/O
// libraries or value imports of activities).
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

// Stated once and listed again for api/routes/: a later block's no-restricted-imports replaces the
// earlier one's patterns rather than adding to them.
const apiNeverImportsWorker = {
  regex: '^(\\.\\./)+worker(/|$)',
  message: 'api/ never imports worker/: move what both need into core/.',
};

export default tseslint.config(
  { ignores: ['node_modules/', '.data/', '.tools/', 'api/console/public/', 'test-results/'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // A value import circle (a route importing app.ts, which imports the route) fails the lint.
    // import-x skips type-only imports (they vanish at compile time), so the layer rules below keep
    // type circles out between folders: data flows one way, api/ and activities/ → core/.
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      // Imports are extensionless relative paths to .ts files.
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json', '.node'] })],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+(api|activities|worker|workflows)(/|$)',
              message: 'core/ is shared by every entry point and imports none of them.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['api/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [apiNeverImportsWorker],
        },
      ],
    },
  },
  {
    // Routes are authenticate → validate → use case → reply: a transaction or an audit entry written
    // here would be a use case hiding in a route (core/use-cases/ is where they go).
    files: ['api/routes/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            apiNeverImportsWorker,
            {
              regex: '^\\.\\./app$',
              message: 'Routes take App and AppDeps from ../types: app.ts imports the routes.',
            },
            {
              regex: '/core/db/pool$',
              importNames: ['inTransaction'],
              message: 'Routes open no transaction: call a use case in core/use-cases/.',
            },
            {
              regex: '/core/db/audit$',
              importNames: ['append'],
              message: 'Routes write no audit entry: call a use case in core/use-cases/.',
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector:
            'Literal[value=/^\\s*(BEGIN|START TRANSACTION)\\b/i], TemplateElement[value.raw=/^\\s*(BEGIN|START TRANSACTION)\\b/i]',
          message: 'Routes open no transaction: call a use case in core/use-cases/.',
        },
      ],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'crypto', 'os', 'child_process', 'http', 'https', 'net'],
              message: 'Workflows are deterministic: no Node builtins.',
            },
            {
              group: ['pg', 'nodemailer', 'handlebars', 'fastify', 'pino', '../core/db/*', '../core/mail/*'],
              message: 'Workflows do no I/O: call an activity.',
            },
            {
              group: ['../core/*', '!../core/domain', '../core/domain/*/**', '!../core/errors'],
              message: 'Workflows import only the pure vocabulary in core/domain/ (and core/errors).',
            },
            {
              group: ['../activities', '../activities/*'],
              importNamePattern: '^(?!type )',
              allowTypeImports: true,
              message: 'Import activity types only.',
            },
          ],
        },
      ],
    },
  },
);
