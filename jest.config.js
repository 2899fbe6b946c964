// Every Jest project of the workspace, run together by `npm test` (see tools/test/run-all.mjs).
// The timeout is global in multi-project runs: cluster tests start real processes.
module.exports = {
  testTimeout: 120_000,
  projects: [
    '<rootDir>/libs/*/jest.config.js',
    '<rootDir>/apps/*/jest.config.js',
    '<rootDir>/tools/*/jest.config.js',
    '<rootDir>/test/jest.config.js',
  ],
};
