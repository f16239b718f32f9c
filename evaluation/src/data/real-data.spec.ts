import { existsSync } from 'node:fs';
import { sha256File } from '../report/provenance';
import { locomoFile, prefevalDir } from '../util/paths';
import { buildItem, loadForm, loadInterTurns, PREF_FORMS, topics } from './prefeval';
import { loadLocomo } from './locomo';

// The development split as shipped in shared/data (SOURCES.md); other files skip these checks.
const DEV_LOCOMO_SHA256 = '12870247837b98424cec8e4b2ab129e65a9a07865246df98af0b5e7cd7f3e781';
const file = locomoFile();
const haveDevLocomo = existsSync(file) && sha256File(file) === DEV_LOCOMO_SHA256;

(haveDevLocomo ? describe : describe.skip)('LoCoMo development split', () => {
  const convs = loadLocomo(file);
  const qs = convs.flatMap((c) => c.questions);

  it('has the documented conversations and counts', () => {
    expect(convs.map((c) => c.id)).toEqual(['conv-26', 'conv-30', 'conv-41', 'conv-42', 'conv-43']);
    expect(convs.map((c) => c.turns.length)).toEqual([419, 369, 663, 629, 680]);
    expect(qs).toHaveLength(999);
  });

  it('resolves evidence as benchmarks.md §1.3 describes', () => {
    expect(qs.filter((q) => q.evidence.length === 0).map((q) => `${q.conversationId}#${q.index}`)).toEqual(['conv-26#30', 'conv-26#46']);
    expect(qs.filter((q) => q.droppedEvidence.length > 0).map((q) => `${q.conversationId}#${q.index}:${q.droppedEvidence.join(',')}`)).toEqual(['conv-42#58:D10:19', 'conv-42#88:D']);
    expect(convs[0]?.questions[37]?.evidence).toEqual(['D8:6', 'D9:17']);
    expect(convs[4]?.questions[18]?.evidence).toContain('D11:26');
    expect(qs.filter((q) => q.category <= 4 && q.evidence.length > 0)).toHaveLength(760);
  });
});

(existsSync(prefevalDir()) ? describe : describe.skip)('PrefEval data', () => {
  it('builds every item of every form and the distractor turns', () => {
    const dir = prefevalDir();
    const ts = topics(dir);
    expect(ts.length).toBeGreaterThan(0);
    for (const form of PREF_FORMS) for (const t of ts) loadForm(dir, form, t).forEach((raw, i) => expect(buildItem(form, t, i, raw).gold.length).toBeGreaterThan(0));
    expect(loadInterTurns(dir)).toHaveLength(632);
  });
});
