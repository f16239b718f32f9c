/** A hand-made LoCoMo sample covering the schema quirks (unordered sessions, stray date keys, packed and bad evidence). */
export const tinyLocomo = [
  {
    sample_id: 'conv-x',
    conversation: {
      speaker_a: 'Ann',
      speaker_b: 'Bob',
      session_2_date_time: '9:00 am on 2 May, 2023',
      session_2: [{ speaker: 'Bob', dia_id: 'D2:1', text: 'I adopted a dog.', blip_caption: 'a photo of a dog' }],
      session_1_date_time: '1:56 pm on 1 May, 2023',
      session_1: [
        { speaker: 'Ann', dia_id: 'D1:1', text: 'I went hiking yesterday.' },
        { speaker: 'Bob', dia_id: 'D1:2', text: 'Nice! Where?' },
      ],
      session_3_date_time: '10:00 am on 3 May, 2023',
    },
    qa: [
      { question: 'When did Ann hike?', answer: '30 April 2023', evidence: ['D1:1'], category: 2 },
      { question: 'What pet?', answer: 'dog', evidence: ['D2:1; D1:2'], category: 4 },
      { question: 'Would Ann like parks?', answer: 'yes', evidence: [], category: 3 },
      { question: 'What did Ann adopt?', adversarial_answer: 'a dog', evidence: ['D2:1'], category: 5 },
      { question: 'Which year?', answer: 2023, evidence: ['D1:1', 'D9:9'], category: 1 },
    ],
  },
];
