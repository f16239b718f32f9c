import { defaultModelDir, missingModelFiles } from './model-files';

/**
 * Tests that need the installed model: under CI=true a missing model is a failure (CI runs
 * scripts/install-model.mjs first); elsewhere the suite is skipped with the reason printed.
 */
export function describeWithModel(name: string, body: (modelDir: string) => void): void {
  const modelDir = defaultModelDir();
  const missing = missingModelFiles(modelDir);
  if (missing.length === 0) {
    describe(name, () => body(modelDir));
    return;
  }
  const reason = `model files missing in ${modelDir} (${missing.join(', ')}); run \`node scripts/install-model.mjs\``;
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('has the embedding model installed (required when CI=true)', () => {
        throw new Error(reason);
      });
    });
    return;
  }
  console.log(`[skip] ${name}: ${reason}`);
  // The body is not run: it would try to load the missing files while collecting tests.
  describe.skip(name, () => it(reason, () => undefined));
}
