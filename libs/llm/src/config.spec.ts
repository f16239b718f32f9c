import { LlmConfigError, llmConfigFromEnv, parseLlmConfig } from './config';

describe('llmConfigFromEnv', () => {
  it('reads ENGRAM_LLM_* variables and fills defaults', () => {
    const c = llmConfigFromEnv({
      ENGRAM_LLM_BASE_URL: 'https://api.deepseek.com/v1/',
      ENGRAM_LLM_API_KEY: 'sk-1',
      ENGRAM_LLM_EXTRACTOR_MODEL: 'deepseek-chat',
      ENGRAM_LLM_TIMEOUT_MS: '30000',
      ENGRAM_LLM_MAX_CONCURRENCY: '8',
    });
    expect(c).toMatchObject({
      baseUrl: 'https://api.deepseek.com/v1',
      apiKey: 'sk-1',
      models: { extractor: 'deepseek-chat', vision: null, chat: null },
      timeoutMs: 30000,
      maxConcurrency: 8,
      maxRetries: 2,
      structuredAttempts: 3,
    });
  });

  it('is unconfigured (not an error) when no endpoint is set', () => {
    expect(llmConfigFromEnv({}).baseUrl).toBeNull();
    expect(llmConfigFromEnv({ ENGRAM_LLM_BASE_URL: '  ' }).baseUrl).toBeNull();
  });

  it('names the offending variable', () => {
    expect(() =>
      llmConfigFromEnv({ ENGRAM_LLM_BASE_URL: 'localhost:11434', ENGRAM_LLM_EXTRACTOR_MODEL: 'm' }),
    ).toThrow(/ENGRAM_LLM_BASE_URL: must be an http\(s\) URL/);
    expect(() =>
      llmConfigFromEnv({
        ENGRAM_LLM_BASE_URL: 'http://x/v1',
        ENGRAM_LLM_EXTRACTOR_MODEL: 'm',
        ENGRAM_LLM_TIMEOUT_MS: 'soon',
      }),
    ).toThrow(/ENGRAM_LLM_TIMEOUT_MS: must be a whole number/);
    expect(() => llmConfigFromEnv({ ENGRAM_LLM_BASE_URL: 'http://x/v1' })).toThrow(
      /ENGRAM_LLM_EXTRACTOR_MODEL: an endpoint is set but no model/,
    );
  });

  it('accepts a config object with numbers', () => {
    expect(
      parseLlmConfig({
        baseUrl: 'http://127.0.0.1:11434/v1',
        models: { extractor: 'qwen2.5:7b' },
        maxConcurrency: 1,
      }).maxConcurrency,
    ).toBe(1);
    expect(() => parseLlmConfig({ maxConcurrency: 0 })).toThrow(LlmConfigError);
  });
});
