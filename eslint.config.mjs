import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'test/e2e/.work/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-restricted-imports': 'off',
    },
  },
  {
    // the language core is pure: no VS Code, no LSP, no TensorFlow, no file system
    files: ['server/src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['vscode', 'vscode-*'], message: 'the core has no editor imports' },
            { group: ['@tensorflow/*'], message: 'the core has no TensorFlow imports; compile in server/src/runtime' },
            { group: ['node:*', 'fs', 'path', 'os', 'child_process'], message: 'the core reaches files only through its Host' },
            { group: ['../runtime/*', '../node/*', '../lsp/*', '../cli/*', '../data/*'], message: 'the core depends on nothing outside it' },
          ],
        },
      ],
    },
  },
);
