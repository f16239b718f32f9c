import { packBlocks } from './chunker';
import { detectFormat } from './detect-format';
import { jsonBlocks } from './json';
import { isPrivateHost, loadFile } from './load-file';
import { markdownBlocks } from './markdown';
import { countTokens } from './tokens';
import { xmlBlocks } from './xml';
import { parseXml, textOf } from './xml-parser';

describe('markdownBlocks', () => {
  it('splits by heading and keeps the heading path, tables and code whole', () => {
    const md = [
      '# Handbook',
      'Intro text.',
      '## Leave',
      '| type | days |',
      '|---|---|',
      '| annual | 25 |',
      '',
      '```',
      '# not a heading',
      '```',
      '### Sick leave',
      'Tell your manager.',
      '',
      'Setext',
      '------',
      'Body.',
    ].join('\n');
    const blocks = markdownBlocks(md);
    expect(blocks.map((b) => b.heading_path)).toEqual([
      ['Handbook'],
      ['Handbook', 'Leave'],
      ['Handbook', 'Leave'],
      ['Handbook', 'Leave', 'Sick leave'],
      ['Handbook', 'Setext'],
    ]);
    expect(blocks[0]!.text).toBe('# Handbook\nIntro text.');
    expect(blocks[1]!.text).toBe('## Leave\n| type | days |\n|---|---|\n| annual | 25 |');
    expect(blocks[2]!.text).toBe('```\n# not a heading\n```');
  });
});

describe('xml', () => {
  it('parses tolerantly: entities, CDATA, comments, unclosed and stray tags', () => {
    const root = parseXml(
      '<?xml version="1.0"?><!-- c --><a x="1 &amp; 2"><b>T &lt;3</b><c><![CDATA[<raw>]]></c></z><d>open',
    );
    const a = root.children[0];
    expect(a && 'name' in a && a.attrs).toEqual({ x: '1 & 2' });
    expect(textOf(root)).toBe('T <3 <raw> open');
  });

  it('turns records into blocks with their element path', () => {
    const xml = `<catalog><book id="bk1"><title>XML Guide</title><price currency="USD">44.95</price></book>
      <shelf name="B"><book id="bk2"><title>Rain</title></book></shelf></catalog>`;
    const blocks = xmlBlocks(xml);
    expect(blocks).toEqual([
      {
        text: 'book (id=bk1)\n- title: XML Guide\n- price (currency=USD): 44.95',
        heading_path: ['catalog', 'book (id=bk1)'],
      },
      { text: 'book (id=bk2)\n- title: Rain', heading_path: ['catalog', 'shelf (name=B)', 'book (id=bk2)'] },
    ]);
  });
});

describe('jsonBlocks', () => {
  it('groups scalar fields by key path', () => {
    const blocks = jsonBlocks({
      name: 'Ada',
      tags: ['x', 'y'],
      address: { city: 'London' },
      pets: [{ kind: 'cat' }],
    });
    expect(blocks).toEqual([
      { text: 'name: Ada\ntags: x, y', heading_path: [] },
      { text: 'address:\ncity: London', heading_path: ['address'] },
      { text: 'pets[0]:\nkind: cat', heading_path: ['pets[0]'] },
    ]);
  });
});

describe('packBlocks', () => {
  it('packs blocks under the token budget and splits an oversized one', () => {
    const long = Array.from({ length: 40 }, (_, i) => `Sentence number ${i} is here.`).join(' ');
    const chunks = packBlocks(
      [
        { text: 'Short one.', heading_path: ['A', 'B'] },
        { text: 'Short two.', heading_path: ['A', 'C'] },
        { text: long, heading_path: ['D'] },
      ],
      50,
    );
    expect(chunks[0]).toMatchObject({ text: 'Short one.\n\nShort two.', heading_path: ['A'] });
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks) expect(countTokens(c.text)).toBeLessThanOrEqual(50);
    expect(
      chunks
        .slice(1)
        .map((c) => c.text)
        .join(' '),
    ).toBe(long);
  });

  it('cuts text without any break by tokens', () => {
    const chunks = packBlocks([{ text: '汉'.repeat(300), heading_path: [] }], 64);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.map((c) => c.text).join('')).toBe('汉'.repeat(300));
  });

  // js-tiktoken alone is quadratic on an unbroken run (a 10k-character run took ~15 s; this one, minutes)
  it('chunks a 100k-character unbroken run of letters and of Han characters without stalling', () => {
    for (const text of ['A'.repeat(100_000), '汉字'.repeat(50_000)]) {
      const chunks = packBlocks([{ text, heading_path: [] }], 512);
      expect(chunks.map((c) => c.text).join('')).toBe(text);
      for (const c of chunks) expect(c.tokens).toBeLessThanOrEqual(512);
    }
  });
});

describe('detectFormat', () => {
  it('uses the extension, the media type, then the content', () => {
    expect(detectFormat('a.MD', null, '')).toBe('markdown');
    expect(detectFormat(null, 'application/xml', '')).toBe('xml');
    expect(detectFormat(null, null, '{"a": 1}')).toBe('json');
    expect(detectFormat(null, null, '<root><a/></root>')).toBe('xml');
    expect(detectFormat(null, null, 'Title\n\n## Part\ntext')).toBe('markdown');
    expect(detectFormat(null, null, 'just words')).toBe('text');
  });
});

describe('loadFile', () => {
  it('decodes data: URLs and base64, and keeps plain text as is', async () => {
    const b64 = Buffer.from('# Title\nbody').toString('base64');
    expect(await loadFile({ file_data: `data:text/markdown;base64,${b64}` })).toMatchObject({
      text: '# Title\nbody',
      mime: 'text/markdown',
    });
    expect(
      await loadFile({ file_data: Buffer.from('hello, this is a plain text file').toString('base64') }),
    ).toMatchObject({
      text: 'hello, this is a plain text file',
    });
    expect(
      await loadFile({ file_data: 'Just some words here that look like nothing special' }),
    ).toMatchObject({
      text: 'Just some words here that look like nothing special',
    });
  });

  it('skips what cannot be read as text, with the reason', async () => {
    expect(await loadFile({ file_data: 'data:application/pdf;base64,JVBERi0xLjQ=' })).toEqual({
      skip: 'unsupported binary format application/pdf',
    });
    expect(await loadFile({ file_id: 'file-1' })).toEqual({
      skip: expect.stringContaining('only a file_id'),
    });
    expect(await loadFile({ file_data: 'http://127.0.0.1:9/x.md' })).toEqual({
      skip: 'blocked private address 127.0.0.1',
    });
  });

  it('recognises private addresses', () => {
    for (const h of [
      'localhost',
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '[::1]',
      'fd00::1',
    ]) {
      expect(isPrivateHost(h)).toBe(true);
    }
    for (const h of ['example.com', '8.8.8.8', '172.32.0.1']) expect(isPrivateHost(h)).toBe(false);
  });
});
