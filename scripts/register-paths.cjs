// Resolves `@engram/<lib>` to the compiled libs under dist/ at run time (tsc keeps the aliases).
const path = require('node:path');
const tsconfigPaths = require('tsconfig-paths');

tsconfigPaths.register({
  baseUrl: path.resolve(__dirname, '..', 'dist'),
  paths: { '@engram/*': ['libs/*/src'] },
});
