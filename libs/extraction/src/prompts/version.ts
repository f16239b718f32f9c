/**
 * Version of the built-in prompt set. Recorded on every fine memory (provenance.extractor) so memories
 * can be traced to the exact instructions that produced them. Bump on any wording change.
 */
export const PROMPT_VERSION = 'engram-fine-1.0.0';
