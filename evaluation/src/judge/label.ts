export type Label = 'CORRECT' | 'WRONG';

/** Reads the judge's label: the JSON `{"label": …}` if present, else the last bare label word. */
export function parseLabel(text: string): Label | undefined {
  const json = /\{\s*"label"\s*:\s*"(CORRECT|WRONG)"\s*\}/i.exec(text);
  if (json) return (json[1] as string).toUpperCase() as Label;
  const words = [...text.matchAll(/\b(CORRECT|WRONG)\b/g)];
  const last = words[words.length - 1];
  return last ? (last[1] as Label) : undefined;
}
