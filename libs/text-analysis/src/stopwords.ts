/** Query-side stopwords: words that match almost every memory and only add noise to BM25. */
// prettier-ignore
export const STOPWORDS: ReadonlySet<string> = new Set([
  // English
  'a', 'an', 'the', 'and', 'or', 'but', 'not', 'no', 'nor', 'of', 'to', 'in', 'on', 'at', 'by', 'for',
  'with', 'from', 'into', 'as', 'is', 'am', 'are', 'was', 'were', 'be', 'been', 'being', 'do', 'does',
  'did', 'have', 'has', 'had', 'it', 'its', 'this', 'that', 'these', 'those', 'there', 'then', 'than',
  'so', 'if', 'i', 'me', 'my', 'you', 'your', 'he', 'him', 'his', 'she', 'her', 'we', 'us', 'our',
  'they', 'them', 'their', 'what', 'which', 'who', 'whom', 'how', 'when', 'where', 'why', 'can',
  'could', 'will', 'would', 'should', 's', 't', 'about', 'any', 'some', 'all',
  // Chinese
  '的', '了', '是', '在', '和', '与', '及', '或', '也', '就', '都', '而', '着', '过', '把', '被', '给',
  '吗', '呢', '吧', '啊', '呀', '哦', '嗯', '我', '你', '他', '她', '它', '我们', '你们', '他们', '这',
  '那', '这个', '那个', '一个', '有', '什么', '怎么', '哪', '哪些', '之', '于', '以', '及其',
]);
