// The NestJS starter's lint setup, with floating promises as errors.
import eslint from '@eslint/js';
import eslintPluginPrettierRecommended from 'eslint-plugin-prettier/recommended';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    // The SDK's generated/ is the generator's code, checked against openapi.json instead; consumer/ compiles
    // against the built package (npm run sdk), which lint runs before.
    ignores: [
      '**/dist/',
      'dist-bench/',
      'test-output/',
      '.dependency-cruiser.cjs',
      'coverage/',
      '.data/',
      'eslint.config.mjs',
      'jest.config.js',
      'clients/typescript/dist/',
      'clients/typescript/src/generated/',
      'clients/typescript/src/generated-events/',
      'clients/typescript/src/events.gen.ts',
      'clients/typescript/consumer/',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  eslintPluginPrettierRecommended,
  {
    languageOptions: {
      globals: { ...globals.node, ...globals.jest },
      sourceType: 'module',
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    // The reference web client runs in the browser, with React's rules of hooks.
    files: ['examples/web/src/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat.recommended,
    languageOptions: { globals: globals.browser },
  },
  {
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    // Response bodies in supertest are untyped; asserting on them is the point of these files.
    files: ['test/**/*.ts', 'src/**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['test/support/*.js', 'clients/typescript/scripts/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
