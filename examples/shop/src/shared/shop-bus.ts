import { type Channel, type ChannelModel, type ConsumeMessage, connect, type Options } from 'amqplib';
import { QUEUE_OPTIONS } from './shop-config.js';

/** A handler of {@link ShopBus.subscribe}: the decoded payload, and the raw message it came in. */
export type BusHandler = (payload: unknown, raw: ConsumeMessage) => Promise<void>;

/**
 * The shop's in-house RabbitMQ client, written the way teams write them: JSON in and out, queues declared on
 * use, ack after the handler. It knows nothing about tracing; `traceBus` instruments an instance.
 */
export class ShopBus {
  private constructor(
    private readonly connection: ChannelModel,
    private readonly channel: Channel,
  ) {}

  /** Connects to the broker at `url`. */
  static async connect(url: string): Promise<ShopBus> {
    const connection = await connect(url);
    return new ShopBus(connection, await connection.createChannel());
  }

  /** Declares `queue` (per-run queues: not durable, auto-deleted). */
  async declare(queue: string): Promise<void> {
    await this.channel.assertQueue(queue, QUEUE_OPTIONS);
  }

  /** Sends `payload` as JSON to `queue` through the default exchange. */
  send(queue: string, payload: unknown, options: Options.Publish = {}): boolean {
    return this.channel.sendToQueue(queue, Buffer.from(JSON.stringify(payload)), {
      ...options,
      contentType: 'application/json',
    });
  }

  /** Consumes `queue`: each message is decoded, handed to `handler`, then acked (nacked if it throws). */
  async subscribe(queue: string, handler: BusHandler): Promise<void> {
    await this.channel.consume(queue, (msg) => {
      if (msg === null) return;
      handler(JSON.parse(msg.content.toString('utf8')), msg).then(
        () => this.channel.ack(msg),
        () => this.channel.nack(msg, false, false),
      );
    });
  }

  /** Closes the channel and the connection. */
  async close(): Promise<void> {
    await this.channel.close();
    await this.connection.close();
  }
}
