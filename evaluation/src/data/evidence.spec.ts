import { normalizeEvidenceId, resolveEvidence } from './evidence';

describe('evidence normalisation', () => {
  it('repairs the known typos', () => {
    expect(normalizeEvidenceId('D:11:26')).toBe('D11:26');
    expect(normalizeEvidenceId('D30:05')).toBe('D30:5');
    expect(normalizeEvidenceId(' D1:3 ')).toBe('D1:3');
    expect(normalizeEvidenceId('D')).toBe('D');
  });

  it('splits packed strings, dedups, and drops ids that name no turn', () => {
    const known = new Set(['D8:6', 'D9:17', 'D9:1', 'D4:4', 'D11:26']);
    expect(resolveEvidence(['D8:6; D9:17', 'D9:1 D4:4', 'D8:6', 'D', 'D10:19', 'D:11:26'], known)).toEqual({
      ids: ['D8:6', 'D9:17', 'D9:1', 'D4:4', 'D11:26'],
      dropped: ['D', 'D10:19'],
    });
  });
});
