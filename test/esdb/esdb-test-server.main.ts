/**
 * `npm run esdb:test-server -- --port <n>`: the wire-level EventStoreDB test
 * server as a process, so the service can run in EventStoreDB mode without
 * docker. A test fixture, not a database: the log lives in memory and is lost
 * when the process ends.
 */
import { startEsdbTestServer, type EsdbTestServerOptions } from './esdb-test-server.js';

const USAGE = `usage: npm run esdb:test-server -- [--port <n>] [--system-events] [--eventstoredb-23.10] [--secured]
  --port <n>             port on 127.0.0.1 (default 2113; 0 picks a free one)
  --system-events        start $all with one system event, like a fresh EventStoreDB
  --eventstoredb-23.10   no checkpoint at the end of a filtered subscription's catch-up (default: 24.10)
  --secured              refuse reads and subscriptions of $all (a user without $admins/$ops)
  --exit-with-stdin      stop when standard input closes (a test's child: it dies with its parent)`;

function parseArgs(argv: readonly string[]): EsdbTestServerOptions & { exitWithStdin?: boolean } {
  const options: EsdbTestServerOptions & { exitWithStdin?: boolean } = { port: 2113 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    switch (arg) {
      case '--port': {
        const value = argv[++i];
        const port = Number(value);
        if (!value || !Number.isInteger(port) || port < 0 || port > 65535) {
          throw new Error(`--port must be an integer from 0 to 65535, got ${value ?? 'nothing'}`);
        }
        options.port = port;
        break;
      }
      case '--system-events':
        options.systemEvents = true;
        break;
      case '--eventstoredb-23.10':
        options.checkpointAtEndOfCatchUp = false;
        break;
      case '--secured':
        options.secured = true;
        break;
      case '--exit-with-stdin':
        options.exitWithStdin = true;
        break;
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown argument ${arg}`);
    }
  }
  return options;
}

async function main(): Promise<void> {
  let options: EsdbTestServerOptions & { exitWithStdin?: boolean };
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const server = await startEsdbTestServer(options);
  console.log(
    [
      'EventStoreDB TEST SERVER: a test fixture, not a database.',
      'Everything is kept in memory and lost when this process exits.',
      `Listening on 127.0.0.1:${server.port} only.`,
      `EVENTSTORE_CONNECTION_STRING=${server.connectionString}`,
    ].join('\n'),
  );
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping the EventStoreDB test server (${server.eventCount} events discarded)`);
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`could not stop cleanly: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  if (options.exitWithStdin) {
    // The parent holds the other end: when it exits, however it exits, the pipe closes and so does this server.
    process.stdin.on('end', () => stop('SIGTERM')).on('close', () => stop('SIGTERM')).resume();
  }
}

main().catch((err: unknown) => {
  console.error(`esdb test server failed to start: ${(err as Error).message}`);
  process.exit(1);
});
