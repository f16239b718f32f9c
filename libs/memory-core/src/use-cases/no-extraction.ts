import { UnavailableError } from '@engram/domain';
import type { AddCommand, AddResult } from '../commands';
import type { ExtractionStrategy } from './extraction-strategy';

/** No LLM and no mem-reader: every add is fast; `mode=fine` is refused. */
export class NoExtraction implements ExtractionStrategy {
  readonly name = 'none';

  extracts(cmd: AddCommand): boolean {
    if (cmd.mode === 'fine')
      throw new UnavailableError(
        'mode=fine needs an LLM endpoint (set ENGRAM_LLM_BASE_URL); fast mode works without one',
      );
    return false;
  }

  afterWrite(): Promise<AddResult | null> {
    return Promise.resolve(null);
  }
}
