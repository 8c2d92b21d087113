// A document's lines as an order's and an invoice's history show them: what was sold, at what price
// and rate, in cents (the same fields on both, so the past reads alike on either screen).
export interface LineAsOf {
  productCode: string;
  description: string;
  quantity: number;
  unitPriceCents: number;
  vatRateBp: number;
  totalCents: number;
}

export const linesAsOf = (lines: readonly LineAsOf[]): LineAsOf[] =>
  lines.map((l) => ({
    productCode: l.productCode,
    description: l.description,
    quantity: l.quantity,
    unitPriceCents: l.unitPriceCents,
    vatRateBp: l.vatRateBp,
    totalCents: l.totalCents,
  }));
