/**
 * Input messages after validation and normalisation. Each has a stable message id (given by the
 * caller, or derived from the request and position) so memories can cite it.
 */
export type MessageRole = 'system' | 'user' | 'assistant' | 'tool';

export type ContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; url: string; detail?: string }
  | { type: 'file'; file_id?: string; filename?: string; file_data?: string };

export interface ChatMessage {
  message_id: string;
  role: MessageRole;
  /** Text of the message (text parts joined). */
  content: string;
  /** Non-text parts (images, files), in order. */
  parts: Exclude<ContentPart, { type: 'text' }>[];
  chat_time?: string;
  /** Position in the request, 0-based. */
  index: number;
}

/** A fast-mode token window: consecutive messages packed under the token budget. */
export interface MessageWindow {
  index: number;
  messages: ChatMessage[];
  /** Rendered text `role: [chat_time]: content` per line (MemOS format). */
  text: string;
  tokens: number;
}
