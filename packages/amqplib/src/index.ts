/** Placeholder until the amqplib issue lands. */
export const placeholder = true;
