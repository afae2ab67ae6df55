/** An order as the gateway receives it over HTTP. */
export interface OrderRequest {
  item: string;
  qty: number;
  /** Card issuer; `slow-bank` answers slowly, `declined` refuses. */
  card: string;
}

/** The RPC message the gateway sends to the orders service. */
export interface PlaceOrder extends OrderRequest {
  orderId: string;
  total: number;
}

/** The orders service's answer. */
export interface OrderPlaced {
  orderId: string;
  status: 'confirmed';
  total: number;
  /** Units of this item reserved so far (Redis), or null when Redis was not available. */
  reserved: number | null;
}

/** What the orders service tells the notifications service. */
export interface OrderNotification {
  orderId: string;
  status: 'confirmed' | 'declined';
  detail: string;
}
