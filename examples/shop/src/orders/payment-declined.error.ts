/** The card issuer refused the payment. */
export class PaymentDeclinedError extends Error {
  override readonly name = 'PaymentDeclinedError';
}
