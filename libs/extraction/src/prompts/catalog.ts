import type { Lang } from '../types';
import { CHAT_PROMPT_EN, CHAT_PROMPT_ZH } from './chat';
import { DOCUMENT_PROMPT_EN, DOCUMENT_PROMPT_ZH } from './document';
import { IMAGE_PROMPT_EN, IMAGE_PROMPT_ZH } from './image';
import { PROMPT_VERSION } from './version';

export type PromptKind = 'chat' | 'document' | 'image';

/** Replacement system prompts per kind and language (MemOS issue #861: customisable prompts). */
export type PromptOverrides = Partial<Record<PromptKind, Partial<Record<Lang, string>>>>;

export const BUILTIN_PROMPTS: Record<PromptKind, Record<Lang, string>> = {
  chat: { en: CHAT_PROMPT_EN, zh: CHAT_PROMPT_ZH },
  document: { en: DOCUMENT_PROMPT_EN, zh: DOCUMENT_PROMPT_ZH },
  image: { en: IMAGE_PROMPT_EN, zh: IMAGE_PROMPT_ZH },
};

export interface PromptChoice {
  system: string;
  version: string;
}

/**
 * The system prompt for a kind and language. An override keeps the output contract (the schema is
 * enforced by validation either way) and is recorded under its own version label.
 */
export function choosePrompt(
  kind: PromptKind,
  lang: Lang,
  overrides: PromptOverrides = {},
  overrideVersion = `${PROMPT_VERSION}+custom`,
): PromptChoice {
  const custom = overrides[kind]?.[lang];
  return custom
    ? { system: custom, version: overrideVersion }
    : { system: BUILTIN_PROMPTS[kind][lang], version: PROMPT_VERSION };
}
