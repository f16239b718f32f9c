import { METHODS } from 'node:http';
import type { Request } from 'express';

interface RouteLayer {
  route?: { _methods(): string[] };
  match(path: string): unknown;
}

/**
 * The methods the app serves at the request's path, from Express's own route table (so every route
 * counts, documented or not: /metrics, /docs). Empty when no route has this path.
 */
export function allowedMethods(req: Request): string[] {
  const stack = (req.app as unknown as { router?: { stack?: RouteLayer[] } }).router?.stack ?? [];
  const methods = new Set<string>();
  for (const layer of stack) {
    if (!layer.route) continue;
    const served = layer.route._methods();
    // Express 5's `all()` registers every method: Nest's catch-all 404 handler, not a resource
    if (served.length >= METHODS.length) continue;
    try {
      if (layer.match(req.path)) for (const m of served) methods.add(m);
    } catch {
      // a path that cannot be decoded (`%zz`) matches no route
    }
  }
  return [...methods].sort();
}
