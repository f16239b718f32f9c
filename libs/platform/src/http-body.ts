import type { NestExpressApplication } from '@nestjs/platform-express';

/**
 * The JSON body parser of every REST app. Not strict: `null`, `1` or `"x"` are valid JSON, so they reach
 * the route, which refuses them as "request body must be a JSON object" (a strict parser would call
 * them malformed JSON).
 */
export function useJsonBody(app: NestExpressApplication, limit: string): void {
  app.useBodyParser('json', { limit, strict: false });
}
