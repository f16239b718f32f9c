import { z } from 'zod';

/** MemOS envelope `{code, message, data}`. */
export const envelopeSchema = z.object({
  code: z.number(),
  message: z.string().optional().default(''),
  data: z.unknown(),
});

const sourceSchema = z.object({
  message_id: z.string().nullish(),
  role: z.string().nullish(),
  chat_time: z.string().nullish(),
});

const memoryMetadataSchema = z
  .object({
    sources: z.array(z.union([sourceSchema, z.string()])).nullish(),
    relativity: z.number().nullish(),
    memory_type: z.string().nullish(),
  })
  .passthrough();

export const memorySchema = z.object({
  id: z.string(),
  memory: z.string(),
  metadata: memoryMetadataSchema.nullish(),
});

export const bucketSchema = z.object({
  cube_id: z.string().nullish(),
  memories: z.array(memorySchema),
  total_nodes: z.number().nullish(),
});

export const searchDataSchema = z.object({
  text_mem: z.array(bucketSchema).nullish(),
  pref_mem: z.array(bucketSchema).nullish(),
});

export const getMemoryDataSchema = searchDataSchema;

export const addDataSchema = z.array(
  z.object({
    memory: z.string(),
    memory_id: z.string(),
    memory_type: z.string().nullish(),
    cube_id: z.string().nullish(),
  }),
);

export type RawMemory = z.infer<typeof memorySchema>;
export type RawBucket = z.infer<typeof bucketSchema>;
