/** The RPC pattern the orders service answers and the gateway sends. */
export const PLACE_ORDER = 'orders.place';
