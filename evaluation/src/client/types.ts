/** What the harness needs from a returned memory. */
export interface RetrievedMemory {
  id: string;
  text: string;
  /** message_ids the memory cites (metadata.sources[].message_id), deduplicated. */
  sources: string[];
  /** chat_time of the earliest cited message, used to date memories for the LLM reader. */
  time: string | undefined;
  relativity: number | undefined;
  memoryType: string | undefined;
  cubeId: string | undefined;
}

export interface ChatTurn {
  role: 'user' | 'assistant';
  content: string;
  chat_time: string;
  message_id: string;
}

export interface SearchResult {
  text: RetrievedMemory[];
  pref: RetrievedMemory[];
}

export interface AddedMemory {
  memory: string;
  memory_id: string;
  memory_type: string | undefined;
  cube_id: string | undefined;
}
