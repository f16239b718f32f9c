import type { LoggerService, LogLevel } from '@nestjs/common';
import { currentRequestId } from './request-context';

const ORDER: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
const NAME: Record<LogLevel, string> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

export interface JsonLoggerOptions {
  /** Added to every line as `service`. */
  service?: string;
  /** Most verbose level written (default `log`). */
  level?: LogLevel;
  /** Where lines go (default process.stdout). */
  write?: (line: string) => void;
  now?: () => Date;
}

/**
 * A NestJS logger that writes one JSON object per line: `time`, `level`, `service`, `context`, `msg`,
 * the `request_id` of the request being handled (from AsyncLocalStorage), and the fields of an object
 * message. Use with `app.useLogger(new JsonLogger({...}))` or `NestFactory.create(…, { logger })`.
 */
export class JsonLogger implements LoggerService {
  private enabled: Set<LogLevel>;
  private readonly write: (line: string) => void;

  constructor(private readonly opts: JsonLoggerOptions = {}) {
    this.enabled = new Set(ORDER.slice(0, ORDER.indexOf(opts.level ?? 'log') + 1));
    this.write = opts.write ?? ((line) => void process.stdout.write(line + '\n'));
  }

  setLogLevels(levels: LogLevel[]): void {
    this.enabled = new Set(levels);
  }

  isLevelEnabled(level: LogLevel): boolean {
    return this.enabled.has(level);
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.emit('log', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.emit('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.emit('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.emit('verbose', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.emit('fatal', message, rest);
  }
  /** Nest calls error(message, stack?, context?). */
  error(message: unknown, ...rest: unknown[]): void {
    this.emit('error', message, rest, true);
  }

  private emit(level: LogLevel, message: unknown, rest: unknown[], isError = false): void {
    if (!this.enabled.has(level)) return;
    const params = [...rest];
    // Nest passes the context as the last string argument
    const context =
      params.length > 0 && typeof params[params.length - 1] === 'string'
        ? (params.pop() as string)
        : undefined;
    const line: Record<string, unknown> = {
      time: (this.opts.now?.() ?? new Date()).toISOString(),
      level: NAME[level],
      ...(this.opts.service ? { service: this.opts.service } : {}),
      ...(context ? { context } : {}),
    };
    const requestId = currentRequestId();
    if (requestId) line.request_id = requestId;
    if (message instanceof Error) {
      line.msg = message.message;
      line.error = { name: message.name, stack: message.stack };
    } else if (message !== null && typeof message === 'object') {
      Object.assign(line, message);
      line.msg ??= '';
    } else {
      line.msg = String(message);
    }
    if (isError && typeof params[0] === 'string' && params[0].includes('\n')) line.stack = params.shift();
    if (params.length > 0)
      line.extra = params.map((p) =>
        p instanceof Error ? { name: p.name, message: p.message, stack: p.stack } : p,
      );
    let text: string;
    try {
      text = JSON.stringify(line);
    } catch {
      text = JSON.stringify({
        time: line.time,
        level: line.level,
        msg: String(line.msg),
        note: 'unserialisable log fields dropped',
      });
    }
    this.write(text);
  }
}
