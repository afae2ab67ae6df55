export type { HeaderCarrier } from './headers-carrier.js';
export { headersGetter, headersSetter } from './headers-carrier.js';
