import { Injectable, NotFoundException } from '@nestjs/common';
import { Traced } from '@spanwise/nestjs';

const PRICES: Readonly<Record<string, number>> = { coffee: 4.5, grinder: 89, kettle: 35 };

/** Prices items. `@Traced` on the class: each call is a `CatalogService.<method>` span. */
@Traced()
@Injectable()
export class CatalogService {
  /** The price of `qty` units of `item`; an unknown item is a 404 (an expected error, not a span ERROR). */
  total(item: string, qty: number): number {
    const price = PRICES[item];
    if (price === undefined) throw new NotFoundException(`no item "${item}" in the catalog`);
    return price * qty;
  }
}
