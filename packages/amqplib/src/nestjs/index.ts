export { TracedClientRMQ } from './traced-client-rmq.client.js';
export { TracedServerRMQ } from './traced-server-rmq.server.js';
