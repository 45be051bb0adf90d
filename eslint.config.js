// Lint rules: ESLint's and typescript-eslint's recommended sets, and the direction of dependencies between the
// parts (docs/architecture.md); formatting is Prettier's job.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Node's built-in modules under both names (`fs` and `node:fs`). */
const builtins = (...names) => names.flatMap((name) => [name, `node:${name}`]);

/** Modules that reach the disk, the network, other processes or the machine: none of them in policies/. */
const ioModules = [
  ...builtins('fs', 'fs/promises', 'net', 'http', 'https', 'http2', 'tls', 'dgram', 'dns', 'child_process'),
  ...builtins('cluster', 'worker_threads', 'readline', 'os'),
  'mongoose',
  'mongodb',
  'koa',
  '@koa/router',
  '@koa/cors',
  'raw-body',
  'pino',
  'prom-client',
];

const contexts = [
  'members',
  'auth',
  'vault',
  'assembly',
  'research',
  'audit',
  'erasure',
  'mail',
  'notifications',
  'fhir',
  'apps',
];

/**
 * One block per context (its files may import only the other contexts' index.ts), and one per folder outside the
 * contexts, whose `prefix` is the path from that folder up to services/ (http/routes/auth/ is not the auth context).
 */
function contextBoundaries() {
  const internalsOf = (names, prefix) => ({
    regex: `^${prefix}(${names.join('|')})/(?!index\\.js$).+`,
    message: 'Another context is reached only through its index.ts (its interface): its models and stores are its own.',
  });
  const block = (files, names, prefix) => ({
    files,
    rules: { 'no-restricted-imports': ['error', { patterns: [internalsOf(names, prefix)] }] },
  });
  return [
    ...contexts.map((context) =>
      block(
        [`services/${context}/**/*.ts`],
        contexts.filter((c) => c !== context),
        '(\\.\\./)+',
      ),
    ),
    block(['services/*.ts'], contexts, '\\./'),
    block(['services/{demo,db,ops,record}/*.ts', 'services/http/*.ts'], contexts, '\\.\\./'),
    block(['services/db/migrations/*.ts', 'services/http/middleware/*.ts'], contexts, '(\\.\\./){2}'),
    block(['services/http/routes/*/*.ts'], contexts, '(\\.\\./){3}'),
    block(['services/crypto/*.ts'], contexts, '\\.\\./'),
    // Tests reach a context's internals only in its own unit tests (test/services/<context>/).
    block(
      [
        'bench/**/*.ts',
        'fixtures/**/*.ts',
        'test/{helpers,integration,hostile,e2e,resilience,privacy,policies}/**/*.ts',
      ],
      contexts,
      '(\\.\\./)+services/',
    ),
  ];
}

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', '.cache/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', fetch: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },

  // ---- Dependency direction ------------------------------------------------------------------------------
  // policies/ is the law of the cooperative: pure TypeScript that imports nothing of ours outside policies/
  // (not even types) and nothing that does I/O.
  {
    files: ['policies/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: ioModules.map((name) => ({ name, message: 'policies/ does no I/O: pass data and time in.' })),
          patterns: [
            {
              group: ['**/services/**', '**/web-components/**', '**/test/**', '**/fixtures/**', '**/bench/**'],
              message:
                'policies/ imports nothing of ours outside policies/: the service depends on it, not it on them.',
            },
          ],
        },
      ],
    },
  },
  // The front end talks to the service over HTTP only; it may name the server's shapes (`import type`, erased
  // from the bundle) and read the catalogue's data (policies/**/*.json), never import server code.
  {
    files: ['web-components/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // Code only: the catalogue's JSON is data the build may include (gitignore syntax cannot re-include
              // a file below an excluded folder, hence the endings).
              // Three exceptions, pure arithmetic with no imports beyond each other: the query form states a count's
              // 95 % half-width before ε is spent with the very default, split and formula the service uses.
              group: [
                '**/services/**',
                '**/policies/**/*.js',
                '**/policies/**/*.ts',
                '!**/policies/research/noise-interval.js',
                '!**/policies/research/micro-epsilon.js',
                '!**/policies/research/epsilon-split.js',
              ],
              allowTypeImports: true,
              message: 'The web app imports server code as types only (`import type`): it would end up in the bundle.',
            },
            {
              group: ['**/test/**', '**/fixtures/**', '**/bench/**'],
              message: 'The web app does not depend on tests, fixtures or benchmarks.',
            },
          ],
        },
      ],
    },
  },
  // Contexts (services/<context>/): each is reached only through its interface, services/<context>/index.ts; its
  // models, stores and collections are its own. Shared infrastructure (db/, crypto/, errors, config, logger) and
  // policies/ are open to all. Tests of a context's internals (test/services/<context>/) may reach inside.
  ...contextBoundaries(),
  // ---- End of dependency direction -----------------------------------------------------------------------
);
