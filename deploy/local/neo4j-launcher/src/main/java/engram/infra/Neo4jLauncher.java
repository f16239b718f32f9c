package engram.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;

/**
 * Embedded Neo4j Community with a Bolt connector, for local development and integration tests.
 *
 * <pre>
 * java -cp 'lib/*:classes' engram.infra.Neo4jLauncher --home DIR [--host 127.0.0.1] [--port 7687]
 *      [--pagecache 256m] [--conf extra-neo4j.conf]
 * </pre>
 *
 * Auth is disabled (clients use neo4j.auth.none() or any credentials). SIGTERM/SIGINT shut the DBMS
 * down cleanly through a shutdown hook. Prints "ENGRAM_NEO4J_READY bolt://host:port" once Bolt is up.
 */
public final class Neo4jLauncher {
  private Neo4jLauncher() {}

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = parse(argv);
    Path home = Path.of(require(args, "home")).toAbsolutePath();
    String host = args.getOrDefault("host", "127.0.0.1");
    int port = Integer.parseInt(args.getOrDefault("port", "7687"));
    String pagecache = args.getOrDefault("pagecache", "256m");
    Files.createDirectories(home);

    DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home);
    String conf = args.get("conf");
    if (conf != null && Files.exists(Path.of(conf))) {
      builder.loadPropertiesFromFile(Path.of(conf));
    }
    builder
        .setConfig(BoltConnector.enabled, true)
        .setConfig(BoltConnector.listen_address, new SocketAddress(host, port))
        .setConfig(BoltConnector.advertised_address, new SocketAddress(host, port))
        .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
        .setConfig(GraphDatabaseSettings.auth_enabled, false)
        .setConfig(GraphDatabaseSettings.pagecache_memory, parseBytes(pagecache))
        // keep transaction logs small on developer machines / CI: by default every database
        // preallocates a 256 MiB transaction log file (512 MiB on disk for neo4j + system)
        .setConfig(GraphDatabaseSettings.keep_logical_logs, "2 files")
        .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
        .setConfig(GraphDatabaseSettings.logical_log_rotation_threshold, 32L << 20)
        .setConfig(GraphDatabaseSettings.shutdown_transaction_end_timeout, Duration.ofSeconds(5))
        // Bolt waits 5 s + 5 s for idle worker threads/connections on shutdown by default; a
        // local test server has nothing worth waiting for (internal settings, pinned version).
        .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(1))
        .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(1));

    long t0 = System.nanoTime();
    DatabaseManagementService dbms = builder.build();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("ENGRAM_NEO4J_STOPPING");
                  dbms.shutdown();
                  System.out.println("ENGRAM_NEO4J_STOPPED");
                },
                "engram-neo4j-shutdown"));

    // Touch the default database so it is online before we announce readiness.
    GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
    db.executeTransactionally("RETURN 1");
    System.out.printf(
        "ENGRAM_NEO4J_READY bolt://%s:%d (home=%s, started in %d ms)%n",
        host, port, home, (System.nanoTime() - t0) / 1_000_000);
    System.out.flush();
    Thread.currentThread().join();
  }

  private static Map<String, String> parse(String[] argv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < argv.length; i++) {
      String a = argv[i];
      if (!a.startsWith("--") || i + 1 >= argv.length) {
        throw new IllegalArgumentException("usage: --home DIR [--host H] [--port P] [--pagecache 256m] [--conf FILE]; bad arg: " + a);
      }
      m.put(a.substring(2), argv[++i]);
    }
    return m;
  }

  private static String require(Map<String, String> args, String key) {
    String v = args.get(key);
    if (v == null) {
      throw new IllegalArgumentException("missing --" + key);
    }
    return v;
  }

  static long parseBytes(String s) {
    String v = s.trim().toLowerCase();
    long mult = 1;
    char last = v.charAt(v.length() - 1);
    if (last == 'k' || last == 'm' || last == 'g') {
      mult = last == 'k' ? 1L << 10 : last == 'm' ? 1L << 20 : 1L << 30;
      v = v.substring(0, v.length() - 1);
    }
    return Long.parseLong(v) * mult;
  }
}
