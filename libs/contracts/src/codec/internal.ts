import {
  FILTER_OPS,
  ValidationError,
  type ChatMessage,
  type FilterNode,
  type FilterOp,
  type MessageRole,
} from '@engram/domain';
import type {
  FilterNode as ProtoFilterNode,
  NormalizedMessage,
  NormalizedPart,
  RetrievalServiceSearchRequest,
} from '../generated/engram/v1/internal';

/**
 * The one codec between the domain values the internal RPCs carry (internal.proto) and their proto
 * messages, both ways: normalised messages (IngestCommand) and parsed filter trees (Search, List,
 * Delete). The gateway encodes with it, the ingestion and retrieval services decode with it; a value
 * decodes to exactly what was encoded (absent optional members stay absent).
 */

// ---------------------------------------------------------------- normalised messages

function partToProto(p: ChatMessage['parts'][number]): NormalizedPart {
  return p.type === 'image_url'
    ? { image_url: { url: p.url, ...(p.detail !== undefined ? { detail: p.detail } : {}) } }
    : {
        file: {
          ...(p.file_id !== undefined ? { file_id: p.file_id } : {}),
          ...(p.filename !== undefined ? { filename: p.filename } : {}),
          ...(p.file_data !== undefined ? { file_data: p.file_data } : {}),
        },
      };
}

function partFromProto(p: NormalizedPart, where: string): ChatMessage['parts'][number] {
  if (p.image_url !== undefined) {
    const { url, detail } = p.image_url;
    return { type: 'image_url', url, ...(detail !== undefined ? { detail } : {}) };
  }
  if (p.file !== undefined) {
    const { file_id, filename, file_data } = p.file;
    return {
      type: 'file',
      ...(file_id !== undefined ? { file_id } : {}),
      ...(filename !== undefined ? { filename } : {}),
      ...(file_data !== undefined ? { file_data } : {}),
    };
  }
  throw new ValidationError(`${where} is empty`);
}

export function messageToProto(m: ChatMessage): NormalizedMessage {
  return {
    message_id: m.message_id,
    role: m.role,
    content: m.content,
    parts: m.parts.map(partToProto),
    ...(m.chat_time !== undefined ? { chat_time: m.chat_time } : {}),
    index: m.index,
  };
}

/** A normalised message back; its limits are checked by the core (checkNormalizedMessages). */
export function messageFromProto(m: NormalizedMessage, where = 'messages'): ChatMessage {
  return {
    message_id: m.message_id,
    role: m.role as MessageRole,
    content: m.content,
    parts: m.parts.map((p, i) => partFromProto(p, `${where}.parts[${i}]`)),
    ...(m.chat_time !== undefined ? { chat_time: m.chat_time } : {}),
    index: m.index,
  };
}

// ---------------------------------------------------------------- filter trees

export function filterToProto(node: FilterNode): ProtoFilterNode {
  switch (node.kind) {
    case 'and':
      return { and: { children: node.children.map(filterToProto) } };
    case 'or':
      return { or: { children: node.children.map(filterToProto) } };
    case 'cmp':
      return { cmp: { field: node.field, op: node.op, value: node.value } };
  }
}

/** A filter tree back; an empty node (none of and/or/cmp) is no filter. */
export function filterFromProto(node: ProtoFilterNode | undefined, path = 'filter'): FilterNode | null {
  if (node === undefined) return null;
  const group = (kind: 'and' | 'or', children: ProtoFilterNode[]): FilterNode => ({
    kind,
    children: children.map((c, i) => {
      const child = filterFromProto(c, `${path}.${kind}[${i}]`);
      if (!child) throw new ValidationError(`${path}.${kind}[${i}] is empty`);
      return child;
    }),
  });
  if (node.and !== undefined) return group('and', node.and.children);
  if (node.or !== undefined) return group('or', node.or.children);
  if (node.cmp !== undefined) {
    const { field, op, value } = node.cmp;
    if (!(FILTER_OPS as readonly string[]).includes(op))
      throw new ValidationError(`${path}.op must be one of ${FILTER_OPS.join(', ')}`);
    return { kind: 'cmp', field, op: op as FilterOp, value: value ?? null };
  }
  return null;
}

/** A search's filter: none, one for every cube, or one per cube (a cube without one maps to null). */
export type SearchFilter = FilterNode | null | Map<string, FilterNode | null>;

export function searchFilterToProto(
  filter: SearchFilter,
): Pick<RetrievalServiceSearchRequest, 'global_filter' | 'cube_filters'> {
  if (!filter) return {};
  if (filter instanceof Map) {
    const filters = Object.fromEntries(
      [...filter].map(([cube, f]) => [cube, f ? filterToProto(f) : {}] as const),
    );
    return { cube_filters: { filters } };
  }
  return { global_filter: filterToProto(filter) };
}

export function searchFilterFromProto(
  req: Pick<RetrievalServiceSearchRequest, 'global_filter' | 'cube_filters'>,
): SearchFilter {
  if (req.cube_filters !== undefined)
    return new Map(
      Object.entries(req.cube_filters.filters).map(([cube, f]) => [
        cube,
        filterFromProto(f, `filter.${cube}`),
      ]),
    );
  return filterFromProto(req.global_filter);
}
