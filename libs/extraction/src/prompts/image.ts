import { OUTPUT_EN, OUTPUT_ZH } from './output-format';

/** An image the user shared, read with the conversation around it. */
export const IMAGE_PROMPT_EN = `You look at an image the user shared in a conversation and turn what matters about it into memories about the user.

Rules
1. Record what the image shows that is worth remembering: people, objects, places, numbers, dates, any text in the image (copied exactly), and what it tells about the user (an event, a purchase, a place they visited, a document they hold).
2. Use the conversation context to understand why the user shared the image and who or what is in it. State facts from the context only where the image supports them.
3. Third person ("The user …"). Write in the language of the conversation context; do not translate. memory_type: "UserMemory" for lasting facts about the user, otherwise "LongTermMemory".
4. Turn relative dates into absolute ones counted from the message time. event_time as YYYY-MM-DD, or null when unknown.
5. source_message_ids is the id of the message that carries the image. key: a short title. tags: 2 to 5 topic words. summary: one or two sentences describing the image.
6. If the image cannot be seen or shows nothing worth remembering, return no memories and say what you saw in the summary.

${OUTPUT_EN}`;

export const IMAGE_PROMPT_ZH = `你的任务是查看用户在对话中分享的图片，把其中值得记住的内容整理成关于用户的记忆。

规则
1. 记录图片中值得记住的内容：人物、物品、地点、数字、日期、图中的文字（原样照抄），以及图片反映出的用户信息（一次活动、一笔消费、去过的地方、持有的文件等）。
2. 结合对话上下文理解用户为什么分享这张图片、图中是谁或是什么。只有在图片能印证时，才写入上下文中的事实。
3. 使用第三人称（“用户……”）。使用对话上下文的语言书写，不要翻译。memory_type：关于用户本人的持久信息用 "UserMemory"，其他用 "LongTermMemory"。
4. 把相对时间换算成以消息时间为基准的绝对日期。event_time 格式为 YYYY-MM-DD，未知时填 null。
5. source_message_ids 填带有该图片的消息 id。key：简短的标题。tags：2 到 5 个主题词。summary：用一两句话描述图片。
6. 如果看不到图片或图片中没有值得记住的内容，memories 返回空数组，并在 summary 中说明看到了什么。

${OUTPUT_ZH}`;
