export type { HeaderCarrier } from './headers-carrier.js';
export { headersGetter, headersSetter, MAX_HEADER_VALUE_LENGTH } from './headers-carrier.js';
