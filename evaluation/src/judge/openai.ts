import { z } from 'zod';
import { requestJson } from '../client/http';
import type { JudgeConfig } from './config';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

const completionSchema = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string().nullable() }) })).min(1),
});

/** One chat completion at temperature 0 from an OpenAI-compatible endpoint. */
export async function chatComplete(cfg: JudgeConfig, model: string, messages: readonly ChatMessage[]): Promise<string> {
  const url = `${cfg.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  const headers: Record<string, string> = cfg.apiKey ? { authorization: `Bearer ${cfg.apiKey}` } : {};
  const res = await requestJson('POST', url, { model, messages, temperature: 0 }, cfg.timeoutMs, headers);
  const parsed = completionSchema.safeParse(res.body);
  if (!parsed.success) throw new Error(`chat completion from ${url}: unexpected response shape`);
  return parsed.data.choices[0]?.message.content ?? '';
}
