import { Worker } from 'node:worker_threads';

/**
 * ONNX Runtime for Node runs inference synchronously on the calling thread, so a batch of documents
 * would stall the server's event loop; the session therefore lives in a worker thread. (It also
 * keeps onnxruntime's typed arrays out of jest's separate realm, where its instanceof checks fail.)
 * The worker is plain JavaScript evaluated from this string, so it needs no build step.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.ortPath);
let session;
parentPort.on('message', async (msg) => {
  try {
    if (msg.type === 'init') {
      session = await ort.InferenceSession.create(msg.modelPath, msg.options);
      parentPort.postMessage({ type: 'ready', inputNames: session.inputNames, outputNames: session.outputNames });
    } else if (msg.type === 'run') {
      const dims = [msg.b, msg.t];
      const feeds = {};
      for (const [name, data] of Object.entries(msg.inputs)) feeds[name] = new ort.Tensor('int64', data, dims);
      const out = (await session.run(feeds, [msg.output]))[msg.output];
      if (out.type !== 'float32') throw new Error('output ' + msg.output + ' is ' + out.type + ', expected float32');
      const data = out.data.slice();
      parentPort.postMessage({ type: 'result', id: msg.id, data, dims: out.dims.map(Number) }, [data.buffer]);
    } else if (msg.type === 'close') {
      if (session) await session.release();
      session = undefined;
      parentPort.postMessage({ type: 'closed', id: msg.id });
    }
  } catch (err) {
    parentPort.postMessage({ type: 'error', id: msg.id, message: err && err.message ? err.message : String(err) });
  }
});
`;

export interface OrtSessionOptions {
  intraOpNumThreads: number;
  interOpNumThreads: number;
  executionMode: 'sequential' | 'parallel';
  graphOptimizationLevel: 'disabled' | 'basic' | 'extended' | 'all';
  executionProviders: string[];
}

export interface OrtOutput {
  data: Float32Array;
  dims: number[];
}

type Reply =
  | { type: 'ready'; inputNames: string[]; outputNames: string[] }
  | { type: 'result'; id: number; data: Float32Array; dims: number[] }
  | { type: 'error'; id?: number; message: string }
  | { type: 'closed'; id: number };

interface Pending {
  resolve: (r: Reply) => void;
  reject: (e: Error) => void;
}

/** One ONNX Runtime session in a dedicated worker thread. */
export class OrtWorkerSession {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private failure?: Error;

  private constructor(
    private readonly worker: Worker,
    readonly inputNames: string[],
    readonly outputNames: string[],
  ) {}

  static async open(modelPath: string, options: OrtSessionOptions): Promise<OrtWorkerSession> {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { ortPath: require.resolve('onnxruntime-node') },
    });
    const ready = await new Promise<Reply>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.postMessage({ type: 'init', modelPath, options });
    }).catch(async (err: unknown) => {
      await worker.terminate();
      throw err;
    });
    if (ready.type !== 'ready') {
      await worker.terminate();
      throw new Error(`loading ${modelPath} failed: ${ready.type === 'error' ? ready.message : ready.type}`);
    }
    const s = new OrtWorkerSession(worker, ready.inputNames, ready.outputNames);
    worker.on('message', (r: Reply) => s.onReply(r));
    worker.on('error', (e: Error) => s.fail(e));
    worker.on('exit', (code) => s.fail(new Error(`ONNX worker exited with code ${code}`)));
    worker.unref(); // an idle embedder must not keep the process alive
    return s;
  }

  /** Runs the model on int64 inputs of shape [b, t] and returns one float32 output. */
  async run(inputs: Record<string, BigInt64Array>, b: number, t: number, output: string): Promise<OrtOutput> {
    const reply = await this.call({ type: 'run', inputs, b, t, output });
    if (reply.type !== 'result') throw new Error(`unexpected worker reply ${reply.type}`);
    return { data: reply.data, dims: reply.dims };
  }

  async close(): Promise<void> {
    if (this.failure) return;
    await this.call({ type: 'close' }).catch(() => undefined);
    this.failure = new Error('embedder is closed');
    await this.worker.terminate();
  }

  private call(msg: Record<string, unknown>): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref(); // keep the process alive while work is outstanding
      this.worker.postMessage({ ...msg, id });
    });
  }

  private onReply(r: Reply): void {
    const id = r.type === 'ready' ? undefined : r.id;
    const p = id === undefined ? undefined : this.pending.get(id);
    if (!p || id === undefined) return;
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker.unref();
    if (r.type === 'error') p.reject(new Error(`ONNX inference failed: ${r.message}`));
    else p.resolve(r);
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}
