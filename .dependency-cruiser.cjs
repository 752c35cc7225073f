// Structure rules checked by `npm run structure` (scripts/check-structure.mjs reads the result and
// names one example import for every edge of a folder cycle).
// Type-only imports count: a folder that names another folder's types depends on it.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycle',
      severity: 'error',
      comment:
        'Folders depend one way: a cycle between folders (collector/join -> collector/ingest -> collector/join) ' +
        'means neither can be understood or tested alone. A folder includes its sub-folders, so a cycle between ' +
        'files of one folder, or between a folder and its parent, is not reported here.',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
    {
      name: 'database-only-in-store',
      severity: 'error',
      comment:
        'Only the storage layer holds a database handle: collector/store/ and the agent buffer ' +
        '(bench/ and test/ may open one to measure or arrange).',
      from: { pathNot: '^(collector/store/|agent/buffer-store\\.ts$|bench/|test/)' },
      to: { path: '(^|/)node_modules/(@types/)?(better-sqlite3|pg)/' },
    },
    {
      name: 'no-test-or-bench-in-product',
      severity: 'error',
      comment: 'The shipped code (agent, collector, common) never depends on tests or benchmarks.',
      from: { path: '^(agent|collector|common)/' },
      to: { path: '^(test|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: '(^|/)node_modules/' },
    exclude: { path: '(^|/)(dist|proto/generated)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.check.json' },
    preserveSymlinks: true,
    skipAnalysisNotInRules: true,
  },
};
