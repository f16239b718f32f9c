import { z } from 'zod';

/** Raw LoCoMo JSON (benchmarks.md §1.1); only the fields the harness reads are checked. */
export const rawTurnSchema = z.object({
  speaker: z.string(),
  dia_id: z.string(),
  text: z.string(),
  blip_caption: z.string().optional(),
});

export const rawQaSchema = z.object({
  question: z.string(),
  answer: z.union([z.string(), z.number()]).optional(),
  adversarial_answer: z.union([z.string(), z.number()]).optional(),
  evidence: z.array(z.string()).default([]),
  category: z.number().int(),
});

export const rawSampleSchema = z.object({
  sample_id: z.string(),
  conversation: z.record(z.unknown()),
  qa: z.array(rawQaSchema),
});

export const rawLocomoSchema = z.array(rawSampleSchema);

export type RawTurn = z.infer<typeof rawTurnSchema>;
export type RawSample = z.infer<typeof rawSampleSchema>;
