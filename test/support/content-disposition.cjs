// jest's CommonJS loader cannot require ESM packages (Node 20 can), and @fastify/static 10 requires the
// ESM-only content-disposition 3. Under jest only, serve its `create` from the CommonJS 1.x line, whose
// default export is the same function.
const contentDisposition = require('content-disposition-cjs');
module.exports = { create: contentDisposition, parse: contentDisposition.parse };
