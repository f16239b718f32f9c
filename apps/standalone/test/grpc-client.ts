import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import {
  HealthClient,
  MemoryServiceClient,
  type AddRequest,
  type AddResponse,
  type DeleteRequest,
  type DeleteResponse,
  type FeedbackRequest,
  type FeedbackResponse,
  type GetByIdsRequest,
  type GetByIdsResponse,
  type GetRequest,
  type GetResponse,
  type GetTaskStatusRequest,
  type GetTaskStatusResponse,
  type HealthCheckRequest,
  type HealthCheckResponse,
  type HealthListRequest,
  type HealthListResponse,
  type ListRequest,
  type ListResponse,
  type SearchRequest,
  type SearchResponse,
} from '@engram/contracts';

type Callback<Res> = (err: ServiceError | null, res: Res) => void;

/** A promise for one unary call; metadata given as a plain object. */
function unary<Req, Res>(call: (req: Req, md: Metadata, cb: Callback<Res>) => unknown) {
  return (req: Req, meta: Record<string, string> = {}): Promise<Res> => {
    const md = new Metadata();
    for (const [k, v] of Object.entries(meta)) md.set(k, v);
    return new Promise((resolve, reject) => {
      call(req, md, (err, res) => (err ? reject(err) : resolve(res)));
    });
  };
}

/** Real @grpc/grpc-js clients built from the generated service definitions. */
export function grpcClients(address: string) {
  const memory = new MemoryServiceClient(address, credentials.createInsecure());
  const health = new HealthClient(address, credentials.createInsecure());
  return {
    memory,
    health,
    add: unary<AddRequest, AddResponse>((r, m, cb) => memory.add(r, m, cb)),
    search: unary<SearchRequest, SearchResponse>((r, m, cb) => memory.search(r, m, cb)),
    get: unary<GetRequest, GetResponse>((r, m, cb) => memory.get(r, m, cb)),
    getByIds: unary<GetByIdsRequest, GetByIdsResponse>((r, m, cb) => memory.getByIds(r, m, cb)),
    list: unary<ListRequest, ListResponse>((r, m, cb) => memory.list(r, m, cb)),
    delete: unary<DeleteRequest, DeleteResponse>((r, m, cb) => memory.delete(r, m, cb)),
    feedback: unary<FeedbackRequest, FeedbackResponse>((r, m, cb) => memory.feedback(r, m, cb)),
    taskStatus: unary<GetTaskStatusRequest, GetTaskStatusResponse>((r, m, cb) =>
      memory.getTaskStatus(r, m, cb),
    ),
    healthCheck: unary<HealthCheckRequest, HealthCheckResponse>((r, m, cb) => health.check(r, m, cb)),
    healthList: unary<HealthListRequest, HealthListResponse>((r, m, cb) => health.list(r, m, cb)),
    close: () => {
      memory.close();
      health.close();
    },
  };
}
