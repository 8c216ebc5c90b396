/** Setup of the jest project `eventstoredb`: the same tests, on the EventStoreDB adapter (see test-store.ts). */
process.env.LEDGER_TEST_STORE = 'eventstoredb';
