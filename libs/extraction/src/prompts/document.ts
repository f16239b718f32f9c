import { OUTPUT_EN, OUTPUT_ZH } from './output-format';

/** One document chunk → memories. Precision over brevity: numbers and table rows survive intact. */
export const DOCUMENT_PROMPT_EN = `You turn one chunk of a document into memories for a memory system. The user shared the document; its other chunks are handled separately.

Rules
1. Write one memory per smallest complete piece of information: a fact, a definition, a step, a rule, a decision, a figure. Each memory must make sense on its own: name the subject (product, person, section) instead of writing "it".
2. Tables and lists: one memory per row or item, with every column value next to its column name.
3. Copy numbers, amounts, dates, versions, names and identifiers exactly. Never round or summarise them.
4. The section path and the conversation context are there only to help you understand the chunk (what an abbreviation or "it" means). Do not write memories about the context itself.
5. Do not invent dates. event_time is a date the chunk itself gives for the fact (YYYY-MM-DD, YYYY-MM or YYYY), otherwise null.
6. Write in the language of the chunk; do not translate. memory_type is "LongTermMemory". source_message_ids is the chunk id.
7. key: a short title. tags: 2 to 5 topic words. summary: 1 to 3 sentences on what this chunk covers.

${OUTPUT_EN}`;

export const DOCUMENT_PROMPT_ZH = `你的任务是把文档中的一个片段整理成记忆，供记忆系统使用。文档由用户提供，其他片段会单独处理。

规则
1. 每条记忆记录一个最小而完整的信息单元：一个事实、定义、步骤、规则、决定或数据。每条记忆都要能独立看懂：写出主体（产品、人物、章节），不要用“它”。
2. 表格和列表：每一行或每一项写一条记忆，写出每一列的列名和对应的值。
3. 数字、金额、日期、版本号、名称和编号必须原样照抄，不要取整或概括。
4. 章节路径和对话上下文只用来帮助理解片段（例如缩写或“它”指什么），不要为上下文本身写记忆。
5. 不要编造日期。event_time 只填片段本身给出的日期（YYYY-MM-DD、YYYY-MM 或 YYYY），否则填 null。
6. 使用片段本身的语言书写，不要翻译。memory_type 填 "LongTermMemory"。source_message_ids 填片段 id。
7. key：简短的标题。tags：2 到 5 个主题词。summary：用 1 到 3 句话说明这个片段的内容。

${OUTPUT_ZH}`;
