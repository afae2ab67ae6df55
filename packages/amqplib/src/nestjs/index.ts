export { TracedClientRMQ } from './traced-client-rmq.client.js';
