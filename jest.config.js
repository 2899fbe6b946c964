// Every Jest project of the workspace, run together by `npm test` (see tools/test/run-all.mjs).
module.exports = {
  projects: ['<rootDir>/libs/*/jest.config.js', '<rootDir>/apps/*/jest.config.js', '<rootDir>/tools/*/jest.config.js', '<rootDir>/test/jest.config.js'],
};
