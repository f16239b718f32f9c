/** The output contract, as shown to the model (the JSON Schema in output-schema.ts is the same shape). */
export const OUTPUT_SHAPE =
  '{"memories": [{"key": string, "value": string, "memory_type": "UserMemory" | "LongTermMemory", ' +
  '"tags": [string], "event_time": string | null, "source_message_ids": [string]}], "summary": string}';

export const OUTPUT_EN = `Output: one JSON object and nothing else (no prose, no code fences):
${OUTPUT_SHAPE}
When there is nothing worth remembering, return {"memories": [], "summary": "<one sentence>"}.`;

export const OUTPUT_ZH = `输出：只输出一个 JSON 对象，不要输出任何其他文字或代码块标记：
${OUTPUT_SHAPE}
没有值得记住的内容时，返回 {"memories": [], "summary": "<一句话概括>"}。`;
