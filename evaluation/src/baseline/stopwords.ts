/** Small English stop-word list (benchmarks.md §1.6: lower-case, small list, no stemming). */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a an the and or but if then of to in on at by for with from about as into over after before ' +
    'is are was were be been being am do does did doing have has had having ' +
    'i me my mine you your yours he him his she her hers it its we us our ours they them their theirs ' +
    'this that these those there here what which who whom whose when where why how ' +
    'not no so too very can could would should will shall may might must just also than ' +
    's t d ll m re ve'
  ).split(' '),
);
