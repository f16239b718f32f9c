export interface FileFetchOptions {
  /** Per download. Default 15 s. */
  timeoutMs?: number;
  /** Larger files are skipped. Default 5 MB. */
  maxBytes?: number;
  /**
   * Allow URLs on loopback, private and link-local addresses. Off by default: user-supplied URLs
   * must not reach internal services (SSRF). Names that resolve to private addresses are not
   * caught here; restrict egress at the network level too.
   */
  allowPrivateNetwork?: boolean;
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
}

export interface LoadedFile {
  text: string;
  filename: string | null;
  mime: string | null;
  /** The URL it came from, when fetched. */
  url: string | null;
}

/** A file that can never be read as text (retrying will not help): reported, not failed. */
export interface FileSkip {
  skip: string;
}

/** A download that may work next time (timeout, 5xx, network): the caller retries the extraction. */
export class FileFetchError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FileFetchError';
  }
}

const BINARY_MIME = /^(image|audio|video)\/|application\/(pdf|zip|gzip|x-tar|octet-stream|msword|vnd\.)/i;

/**
 * Resolves a file part's `file_data`: an http(s) URL (fetched with a timeout and size cap), a
 * data: URL, base64, or plain text. Only text formats are supported; binary files are skipped.
 */
export async function loadFile(
  part: { file_data?: string; filename?: string; file_id?: string },
  opts: FileFetchOptions = {},
  signal?: AbortSignal,
): Promise<LoadedFile | FileSkip> {
  const data = part.file_data?.trim();
  const filename = part.filename ?? null;
  if (!data)
    return {
      skip: part.file_id ? 'only a file_id was given; file contents are not stored here' : 'empty file',
    };
  if (/^https?:\/\/\S+$/i.test(data)) return fetchText(data, filename, opts, signal);
  if (data.startsWith('data:')) return fromDataUrl(data, filename, opts);
  const b64 = maybeBase64(data);
  if (b64) return decodeText(b64, filename, null, null, opts);
  return { text: part.file_data!, filename, mime: null, url: null };
}

async function fetchText(
  url: string,
  filename: string | null,
  opts: FileFetchOptions,
  signal?: AbortSignal,
): Promise<LoadedFile | FileSkip> {
  const u = new URL(url);
  if (!opts.allowPrivateNetwork && isPrivateHost(u.hostname))
    return { skip: `blocked private address ${u.hostname}` };
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), opts.timeoutMs ?? 15_000);
  try {
    const res = await (opts.fetch ?? fetch)(url, {
      signal: signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal,
      redirect: 'follow',
    });
    if (res.status === 408 || res.status === 429 || res.status >= 500)
      throw new FileFetchError(`HTTP ${res.status} fetching ${url}`);
    if (!res.ok) return { skip: `HTTP ${res.status} fetching ${url}` };
    const mime = res.headers.get('content-type');
    const name = filename ?? lastSegment(u);
    const bytes = await readCapped(res, opts.maxBytes ?? 5_000_000);
    if (!bytes) return { skip: `larger than ${opts.maxBytes ?? 5_000_000} bytes` };
    return decodeText(bytes, name, mime, url, opts);
  } catch (e) {
    if (e instanceof FileFetchError) throw e;
    const why = timeout.signal.aborted
      ? `timed out after ${opts.timeoutMs ?? 15_000} ms`
      : e instanceof Error
        ? e.message
        : String(e);
    throw new FileFetchError(`could not fetch ${url}: ${why}`, { cause: e });
  } finally {
    clearTimeout(timer);
  }
}

async function readCapped(res: Response, max: number): Promise<Buffer | null> {
  const declared = Number(res.headers.get('content-length'));
  if (declared > max) return null;
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return null;
    }
    parts.push(value);
  }
  return Buffer.concat(parts);
}

function lastSegment(u: URL): string | null {
  const seg = u.pathname.split('/').pop() ?? '';
  try {
    return decodeURIComponent(seg) || null;
  } catch {
    return seg || null;
  }
}

function fromDataUrl(url: string, filename: string | null, opts: FileFetchOptions): LoadedFile | FileSkip {
  const comma = url.indexOf(',');
  if (comma < 0) return { skip: 'malformed data: URL' };
  const meta = url.slice(5, comma);
  const payload = url.slice(comma + 1);
  const mime = meta.split(';')[0] || null;
  const bytes = /;base64$/i.test(meta)
    ? Buffer.from(payload, 'base64')
    : Buffer.from(decodeURIComponent(payload), 'utf8');
  return decodeText(bytes, filename, mime, null, opts);
}

/** Plain text that happens to be long letters must not be mistaken for base64: it must decode to text. */
function maybeBase64(s: string): Buffer | null {
  const compact = s.replace(/\s+/g, '');
  if (compact.length < 24 || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return null;
  const bytes = Buffer.from(compact, 'base64');
  const text = utf8(bytes);
  if (text === null) return null;
  const printable = text.replace(/[\x00-\x08\x0e-\x1f\x7f]/g, '').length;
  return printable / Math.max(1, text.length) > 0.95 ? bytes : null;
}

function decodeText(
  bytes: Buffer,
  filename: string | null,
  mime: string | null,
  url: string | null,
  opts: FileFetchOptions,
): LoadedFile | FileSkip {
  if (bytes.length > (opts.maxBytes ?? 5_000_000))
    return { skip: `larger than ${opts.maxBytes ?? 5_000_000} bytes` };
  if (mime && BINARY_MIME.test(mime)) return { skip: `unsupported binary format ${mime.split(';')[0]}` };
  const text = utf8(bytes);
  if (text === null) return { skip: `not UTF-8 text${mime ? ` (${mime.split(';')[0]})` : ''}` };
  return { text: text.replace(/^\uFEFF/, ''), filename, mime, url };
}

function utf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

export function isPrivateHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost') || h === '0.0.0.0' || h === '::' || h === '::1')
    return true;
  const v4 = h.match(/^(\d+)\.(\d+)\.(\d+)\.(\d+)$/);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return (
      a === 127 ||
      a === 10 ||
      a === 0 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254) ||
      (a === 100 && b >= 64 && b <= 127)
    );
  }
  return (h.includes(':') && /^(fc|fd|fe8|fe9|fea|feb)/.test(h)) || h.startsWith('::ffff:');
}
