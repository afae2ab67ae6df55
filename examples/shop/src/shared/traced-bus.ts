import { instrumentClient } from '@spanwise/amqplib';
import type { ConsumeMessage } from 'amqplib';
import type { ShopBus } from './shop-bus.js';

/**
 * Instruments a {@link ShopBus} by method name (docs/rabbitmq.md, recipe 2): `send` gets a PRODUCER span whose
 * context travels in the message headers, and each `subscribe` handler runs in a CONSUMER span continuing the
 * sender's trace. The class itself stays untouched.
 */
export function traceBus(bus: ShopBus): ShopBus {
  return instrumentClient(bus, {
    send: { kind: 'publish', describe: (queue) => ({ routingKey: queue as string }), optionsIndex: 2 },
    subscribe: {
      kind: 'consume',
      describe: (queue) => ({ queue: queue as string }),
      handlerIndex: 1,
      message: (_payload, raw) => raw as ConsumeMessage,
    },
  });
}
