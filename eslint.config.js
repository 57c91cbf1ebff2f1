import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import atende from './eslint/layers.js';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.atende-data/**', 'bench/results/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
    rules: {
      // STYLE.md (Vikunja): lint that protects reactivity; script setup only.
      'vue/no-setup-props-reactivity-loss': 'error',
      'vue/no-ref-object-reactivity-loss': 'error',
      'vue/component-api-style': ['error', ['script-setup']],
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/first-attribute-linebreak': 'off',
      'vue/html-indent': 'off',
    },
  },
  {
    languageOptions: {
      globals: {
        console: 'readonly', process: 'readonly', window: 'readonly', document: 'readonly',
        WebSocket: 'readonly', fetch: 'readonly', localStorage: 'readonly', setTimeout: 'readonly',
        clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly',
        crypto: 'readonly', HTMLElement: 'readonly', Date: 'readonly',
      },
    },
    rules: {
      // TypeScript already checks names; the core rule does not know DOM or Node types.
      'no-undef': 'off',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      'no-restricted-properties': [
        'error',
        { object: 'it', property: 'only', message: 'focused tests silence the suite' },
        { object: 'describe', property: 'only', message: 'focused tests silence the suite' },
      ],
    },
  },
  {
    files: ['sync-server/src/**/*.ts'],
    plugins: { atende },
    rules: { 'atende/layers': ['error', { root: 'sync-server/src' }] },
  },
);
