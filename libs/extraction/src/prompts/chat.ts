import { OUTPUT_EN, OUTPUT_ZH } from './output-format';

/** Conversation → memories about the user. Written for Engram; the ZH text is a native version, not a translation artefact. */
export const CHAT_PROMPT_EN = `You turn a conversation into long-term memories about the user, for a personal memory system.

Read the messages and write down every fact worth remembering later: who the user is, what they like and dislike, their habits, plans, goals, relationships, decisions and experiences, and events with their dates. Keep something the assistant said only when the user accepted it or relied on it.

Rules
1. Perspective: write each memory in the third person about the user ("The user …"); use their name when it is known. Never write "I" or "you".
2. Language: write key, value, tags and summary in the language of the conversation. Do not translate. Keep the memory_type values in English.
3. One memory per self-contained fact. Keep the details that matter (names, numbers, places, amounts, reasons). Do not merge unrelated facts and do not state the same fact twice.
4. Resolve references: replace pronouns and vague words ("it", "there", "that place") with what they refer to.
5. Time: every message carries the time it was sent. Turn relative expressions ("yesterday", "last Friday", "in two weeks") into absolute dates counted from the time of the message they appear in, and write the absolute date in the value (e.g. "on 2025-06-06"). Keep apart when something happened (event time) and when it was said (message time): event_time is the date on which the event happened or the fact holds, as YYYY-MM-DD (YYYY-MM or YYYY when only that is known), or null when the conversation does not say. Do not use the message time as event_time unless the event is happening as the user speaks ("I'm at the airport now").
6. Say so when something is uncertain or only planned ("plans to", "may").
7. Write only what the messages support. Do not invent facts. Skip greetings, small talk and instructions to the assistant that say nothing about the user.
8. memory_type: "UserMemory" for lasting facts about the user as a person (identity, preferences, traits, habits, relationships, health, skills); "LongTermMemory" for events, plans, decisions, and knowledge about the world or other people.
9. source_message_ids: the id of every message the memory is based on, copied exactly from the id attribute. Use only ids that appear in the conversation.
10. key: a short title (at most 10 words). tags: 2 to 5 short topic words.
11. summary: 2 to 4 sentences on what the conversation was about, from the user's side.

${OUTPUT_EN}

Example
<message id="a1" role="user" time="2025-03-14T09:12:00Z">
I finally ran my first half marathon last Sunday! 2:05, slower than I hoped. My knee hurt from km 15 on.
</message>
<message id="a2" role="assistant" time="2025-03-14T09:12:05Z">
Congratulations on finishing! Knee pain late in a race is common; rest it for a few days.
</message>
Answer:
{"memories":[{"key":"First half marathon","value":"The user ran their first half marathon on 2025-03-09 and finished in 2:05, slower than they had hoped.","memory_type":"LongTermMemory","tags":["running","half marathon"],"event_time":"2025-03-09","source_message_ids":["a1"]},{"key":"Knee pain when running","value":"The user's knee hurt from kilometre 15 of the half marathon on 2025-03-09.","memory_type":"UserMemory","tags":["health","knee","running"],"event_time":"2025-03-09","source_message_ids":["a1"]}],"summary":"The user reported running a first half marathon on 2025-03-09 in 2:05 with knee pain late in the race. The assistant congratulated them and suggested rest."}`;

export const CHAT_PROMPT_ZH = `你的任务是把一段对话整理成关于用户的长期记忆，供个人记忆系统使用。

阅读所有消息，记下以后值得记住的信息：用户是谁、喜欢和不喜欢什么、习惯、计划、目标、人际关系、决定和经历，以及带日期的事件。助手说过的内容，只有在用户认可或采纳时才记录。

规则
1. 人称：用第三人称描述用户（“用户……”），知道名字时写名字。不要出现“我”“你”。
2. 语言：key、value、tags 和 summary 必须使用对话本身的语言——对话是中文就用中文书写，不要翻译成英文。memory_type 的取值保持英文。
3. 每条记忆只写一个完整、独立的事实，保留重要细节（人名、数字、地点、金额、原因）。不要把无关的事实合并，也不要重复同一个事实。
4. 消解指代：把“它”“那里”“那家店”等替换成具体所指。
5. 时间：每条消息都带有发送时间。把相对时间（“昨天”“上周五”“两周后”）换算成绝对日期，以该表述所在消息的时间为基准，并在 value 中写出绝对日期（如“2025年6月6日”）。区分事件发生的时间和消息发送的时间：event_time 是事件发生或事实成立的日期，格式为 YYYY-MM-DD（只知道月份或年份时写 YYYY-MM 或 YYYY），对话没有说明时填 null。除非事件正发生在说话的当下（“我现在在机场”），不要把消息时间当作 event_time。
6. 不确定或仅是计划的事情要如实写明（“打算”“可能”）。
7. 只写消息中有依据的内容，不要编造。问候、寒暄以及与用户本人无关的指令不需要记录。
8. memory_type："UserMemory" 用于关于用户本人的持久信息（身份、偏好、性格、习惯、人际关系、健康、技能）；"LongTermMemory" 用于事件、计划、决定，以及关于外部世界或他人的知识。
9. source_message_ids：该记忆所依据的每条消息的 id，照抄 id 属性的值，只能使用对话中出现过的 id。
10. key：简短的标题（不超过 15 个字）。tags：2 到 5 个简短的主题词。
11. summary：用 2 到 4 句话从用户的角度概括这段对话。

${OUTPUT_ZH}

示例
<message id="b1" role="user" time="2025-06-11T20:30:00+08:00">
昨天带女儿去了上海自然博物馆，她特别喜欢恐龙馆。下个月我们打算去杭州玩。
</message>
输出：
{"memories":[{"key":"带女儿参观自然博物馆","value":"用户于2025年6月10日带女儿参观了上海自然博物馆，女儿特别喜欢恐龙馆。","memory_type":"LongTermMemory","tags":["亲子","博物馆","上海"],"event_time":"2025-06-10","source_message_ids":["b1"]},{"key":"女儿喜欢恐龙","value":"用户的女儿特别喜欢恐龙。","memory_type":"UserMemory","tags":["家庭","女儿","兴趣"],"event_time":null,"source_message_ids":["b1"]},{"key":"计划去杭州旅行","value":"用户打算2025年7月和家人去杭州游玩。","memory_type":"LongTermMemory","tags":["旅行","计划","杭州"],"event_time":"2025-07","source_message_ids":["b1"]}],"summary":"用户提到2025年6月10日带女儿参观了上海自然博物馆，女儿很喜欢恐龙馆，并计划下个月全家去杭州游玩。"}`;
