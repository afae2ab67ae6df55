import { setTimeout as delay } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { Traced } from '@spanwise/nestjs';
import type { PlaceOrder } from '../shared/order.types.js';
import { PaymentDeclinedError } from './payment-declined.error.js';

/** Talks to the card issuer (simulated): `slow-bank` takes its time, `declined` refuses. */
@Injectable()
export class PaymentService {
  /** A promise: the span ends when it settles; a rejection marks it ERROR with `error.type`. */
  @Traced({ attributes: (order: PlaceOrder) => ({ 'payment.card': order.card }) })
  async charge(order: PlaceOrder): Promise<void> {
    await delay(order.card === 'slow-bank' ? 400 : 15);
    if (order.card === 'declined') throw new PaymentDeclinedError('card declined by issuer');
  }
}
