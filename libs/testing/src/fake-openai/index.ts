export { FakeOpenAiServer, type FakeOpenAiOptions } from './server';
export { fakeEmbedding } from './embeddings';
export { hasImage, lastUserText, messageText, systemText } from './matching';
export type {
  FakeChatBody,
  FakeChatMessage,
  FakeContentPart,
  FakeMatch,
  FakeReply,
  FakeReplySpec,
  RecordedRequest,
} from './types';
