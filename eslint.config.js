// Lint enforces what discipline alone would not: floating promises, type-only imports, and
// determinism in workflow code (no Node builtins, I/O libraries or value imports of activities).
import tseslint from 'typescript-eslint';

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
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'path', 'crypto', 'os', 'child_process', 'http', 'https', 'net'], message: 'Workflows are deterministic: no Node builtins.' },
            { group: ['pg', 'nodemailer', 'handlebars', 'fastify', 'pino', '../core/db/*', '../core/mail/*'], message: 'Workflows do no I/O: call an activity.' },
            { group: ['../core/*', '!../core/domain', '../core/domain/*/**'], message: 'Workflows import only the pure vocabulary in core/domain/.' },
            { group: ['../activities', '../activities/*'], importNamePattern: '^(?!type )', allowTypeImports: true, message: 'Import activity types only.' },
          ],
        },
      ],
    },
  },
);
