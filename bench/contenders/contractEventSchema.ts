import { z } from 'zod';

/**
 * docs/contract.md §1 as a zod schema, the way a Powertools user would write it.
 * Lengths are counted in UTF-16 units (zod's rule) rather than code points;
 * otherwise the same fields and rules.
 */
export const ContractEventSchema = z.object({
  id: z.string().min(1).max(128),
  type: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/),
  key: z
    .string()
    .min(1)
    .max(512)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: docs/contract.md §1 forbids control characters in a key; this finds them
    .regex(/^[^\u0000-\u001f\u007f-\u009f]*$/),
  ts: z.union([z.iso.datetime({ offset: true }), z.number().int()]),
  value: z.number().default(1),
  attrs: z.record(z.string(), z.unknown()).optional(),
});
export type ContractEvent = z.infer<typeof ContractEventSchema>;
