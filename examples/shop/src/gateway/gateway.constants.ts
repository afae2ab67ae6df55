/** Injection token of the orders RPC client; its value is null when the gateway runs without RabbitMQ. */
export const ORDERS_CLIENT = Symbol('ORDERS_CLIENT');
