export type { Fault } from './receiver/fault.js';
export type {
  Attributes,
  ReceivedEvent,
  ReceivedLink,
  ReceivedRequest,
  ReceivedSpan,
} from './receiver/received-span.js';
export type { Receiver, ReceiverOptions } from './receiver/receiver.js';
export { startReceiver } from './receiver/server.js';
