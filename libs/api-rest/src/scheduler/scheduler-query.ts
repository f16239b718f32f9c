import { applyDecorators } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import { LIMITS, ValidationError } from '@engram/domain';

/**
 * The query parameters of `/product/scheduler/*`: each is documented (`@ApiQuery`) and parsed from the
 * same description, so the OpenAPI document and what a route accepts cannot drift apart.
 */
export interface TextParam {
  kind: 'text';
  name: string;
  required: boolean;
  description: string;
}

export interface NumberParam {
  kind: 'number';
  name: string;
  description: string;
  min: number;
  max: number;
  default: number;
}

export type QueryParam = TextParam | NumberParam;

const MAX_ID = LIMITS.schedulerQueryIdLength;
const { schedulerWaitSeconds: WAIT, schedulerPollSeconds: POLL } = LIMITS;

/** A plain decimal number, as an OpenAPI `number` is written in a query (no hex, no `Infinity`). */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

const text = <R extends boolean>(name: string, required: R, description: string) =>
  ({ kind: 'text', name, required, description }) as TextParam & { required: R };

export const USER_ID = text('user_id', false, "Only this user's tasks (empty = every user of the tenant)");
export const QUEUE_USER_ID = text('user_id', true, 'The user whose queue to report');
export const TASK_ID = text('task_id', false, "One task of the caller's tenant (404 when it has none)");
export const USER_NAME = text('user_name', false, 'Only tasks writing to this cube (empty = every cube)');

export const TIMEOUT_SECONDS: NumberParam = {
  kind: 'number',
  name: 'timeout_seconds',
  description: 'How long to wait, in seconds (empty = the default)',
  ...WAIT,
};

export const POLL_INTERVAL: NumberParam = {
  kind: 'number',
  name: 'poll_interval',
  description: 'Seconds between progress events (empty = the default)',
  ...POLL,
};

/** `@ApiQuery` for each parameter, with its real type, bounds, default and required-ness. */
export function ApiQueries(...params: QueryParam[]): MethodDecorator {
  return applyDecorators(
    ...params.map((p) =>
      p.kind === 'text'
        ? ApiQuery({
            name: p.name,
            required: p.required,
            description: p.description,
            schema: { type: 'string', ...(p.required ? { minLength: 1 } : {}), maxLength: MAX_ID },
          })
        : ApiQuery({
            name: p.name,
            required: false,
            description: p.description,
            allowEmptyValue: true, // `?timeout_seconds=` is the default (numberParam)
            schema: { type: 'number', minimum: p.min, maximum: p.max, default: p.default },
          }),
    ),
  );
}

/**
 * A text parameter: absent or empty is undefined (a required one is then refused), repeated or
 * longer than an id is refused.
 */
export function textParam(raw: unknown, p: TextParam & { required: true }): string;
export function textParam(raw: unknown, p: TextParam): string | undefined;
export function textParam(raw: unknown, p: TextParam): string | undefined {
  if (raw === undefined || raw === '') {
    if (p.required) throw new ValidationError(`${p.name} is required`);
    return undefined;
  }
  if (typeof raw !== 'string') throw new ValidationError(`${p.name} must be given once, as text`);
  // code points, as JSON Schema's maxLength counts them (an emoji is one character, two UTF-16 units)
  if ([...raw].length > MAX_ID) throw new ValidationError(`${p.name} must be at most ${MAX_ID} characters`);
  return raw;
}

/** A number parameter: absent or empty is the default; otherwise a decimal within the bounds. */
export function numberParam(raw: unknown, p: NumberParam): number {
  if (raw === undefined || raw === '') return p.default;
  const n = typeof raw === 'string' && DECIMAL.test(raw) ? Number(raw) : NaN;
  if (!Number.isFinite(n) || n < p.min || n > p.max)
    throw new ValidationError(`${p.name} must be a number in [${p.min}, ${p.max}]`);
  return n;
}
