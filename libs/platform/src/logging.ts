import { Logger, type LoggerService, type LogLevel } from '@nestjs/common';
import { JsonLogger } from '@engram/observability';

export type LogFormat = 'text' | 'json';
type Level = 'error' | 'warn' | 'log' | 'debug' | 'verbose';

export interface ServiceLoggerOptions {
  service: string;
  /** `text`: Nest's console format, for humans; `json`: one JSON object per line, for log shippers. */
  logFormat: LogFormat;
  logLevel: Level;
}

/**
 * The process's logger, also installed as Nest's static logger: lines written before the Nest app
 * exists (store and bus connects, fine-mode setup) come out in the same format. Pass the result to
 * `NestFactory.create(…, { logger })`.
 */
export function useServiceLogger(o: ServiceLoggerOptions): LoggerService | LogLevel[] {
  const logger =
    o.logFormat === 'json' ? new JsonLogger({ service: o.service, level: o.logLevel }) : levels(o.logLevel);
  Logger.overrideLogger(logger);
  return logger;
}

export function levels(level: Level): Level[] {
  const all = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
  return all.slice(0, all.indexOf(level) + 1);
}
