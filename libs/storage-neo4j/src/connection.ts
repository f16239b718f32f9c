import neo4j, { type Driver, type QueryResult, type RecordShape } from 'neo4j-driver';

export interface Neo4jConnectionOptions {
  /** `bolt://host:7687` or `neo4j://…`. Ignored when `driver` is given. */
  uri?: string;
  user?: string;
  password?: string;
  /** An existing driver (not closed by `close()`). It must use `disableLosslessIntegers: true`. */
  driver?: Driver;
  /** Database name; default: the server's default database. */
  database?: string;
  /**
   * Every node this store writes carries `ns = namespace`, and every query is restricted to it, so
   * several deployments (or test runs) can share one database.
   */
  namespace: string;
}

const NS = /^[A-Za-z0-9._:-]{1,128}$/;

/** A driver plus the namespace and database every query of one store uses. */
export class Neo4jConnection {
  readonly ns: string;
  readonly driver: Driver;
  private readonly ownsDriver: boolean;
  private readonly database?: string;

  constructor(options: Neo4jConnectionOptions) {
    if (!NS.test(options.namespace)) throw new Error(`invalid Neo4j namespace '${options.namespace}'`);
    if (!options.driver && !options.uri) throw new Error('Neo4j store needs a URI or a driver');
    this.ns = options.namespace;
    this.database = options.database;
    this.ownsDriver = !options.driver;
    // No user: no credentials (a server with auth disabled; the driver sends scheme 'none').
    const auth = options.user ? neo4j.auth.basic(options.user, options.password ?? '') : undefined;
    this.driver =
      options.driver ??
      neo4j.driver(options.uri!, auth, {
        // Counts and numbers come back as JS numbers (all ours fit in 2^53).
        disableLosslessIntegers: true,
        connectionAcquisitionTimeout: 30_000,
        maxTransactionRetryTime: 15_000,
      });
  }

  /**
   * One auto-retried transaction (transient errors such as deadlocks between concurrent MERGEs are
   * retried by the driver). Returns when the transaction is committed, i.e. durable.
   */
  write<R extends RecordShape = RecordShape>(
    cypher: string,
    params: Record<string, unknown> = {},
  ): Promise<QueryResult<R>> {
    return this.driver.executeQuery<QueryResult<R>>(
      cypher,
      { ns: this.ns, ...params },
      {
        database: this.database,
        routing: neo4j.routing.WRITE,
      },
    );
  }

  read<R extends RecordShape = RecordShape>(
    cypher: string,
    params: Record<string, unknown> = {},
  ): Promise<QueryResult<R>> {
    return this.driver.executeQuery<QueryResult<R>>(
      cypher,
      { ns: this.ns, ...params },
      {
        database: this.database,
        routing: neo4j.routing.READ,
      },
    );
  }

  /** Several statements in one transaction, committed together. */
  async transaction(
    statements: { cypher: string; params?: Record<string, unknown> }[],
  ): Promise<QueryResult[]> {
    const session = this.driver.session({ database: this.database, defaultAccessMode: neo4j.session.WRITE });
    try {
      return await session.executeWrite(async (tx) => {
        const out: QueryResult[] = [];
        for (const s of statements) out.push(await tx.run(s.cypher, { ns: this.ns, ...s.params }));
        return out;
      });
    } finally {
      await session.close();
    }
  }

  /**
   * One auto-retried write transaction whose later statements depend on earlier results; `run` adds
   * `$ns`. The work may run more than once (retries), so it must only compute from what it reads.
   */
  async inTransaction<T>(
    work: (run: (cypher: string, params?: Record<string, unknown>) => Promise<QueryResult>) => Promise<T>,
  ): Promise<T> {
    const session = this.driver.session({ database: this.database, defaultAccessMode: neo4j.session.WRITE });
    try {
      return await session.executeWrite((tx) =>
        work((cypher, params = {}) => tx.run(cypher, { ns: this.ns, ...params })),
      );
    } finally {
      await session.close();
    }
  }

  /** Schema statements (`… IF NOT EXISTS`), one at a time; idempotent. */
  async ensureSchema(statements: string[]): Promise<void> {
    for (const s of statements) {
      try {
        await this.driver.executeQuery(s, {}, { database: this.database });
      } catch (e) {
        // Two processes creating the same constraint at once: the loser sees it as existing.
        const code = (e as { code?: string }).code ?? '';
        if (!/EquivalentSchemaRuleAlreadyExists|IndexAlreadyExists|ConstraintAlreadyExists/.test(code))
          throw e;
      }
    }
  }

  /** Deletes this namespace's nodes with `label` in batches (so one transaction never grows huge). */
  async deleteAll(label: string, batch = 5000): Promise<void> {
    for (;;) {
      const r = await this.write(`MATCH (n:${label} {ns: $ns}) WITH n LIMIT $batch DETACH DELETE n`, {
        batch: neo4j.int(batch),
      });
      if (r.summary.counters.updates().nodesDeleted === 0) return;
    }
  }

  async close(): Promise<void> {
    if (this.ownsDriver) await this.driver.close();
  }
}

export const int = (n: number) => neo4j.int(Math.max(0, Math.floor(n)));
