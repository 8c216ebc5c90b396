import { SetMetadata } from '@nestjs/common';

export const SHOWN_ONCE = 'programme-ledger:shown-once';

/**
 * Marks fields of a route's answer as secrets shown once (a new token): the answer kept for an
 * Idempotency-Key never holds them, and a replayed answer says, field by field, that they were shown once.
 */
export const ShownOnce = (...fields: string[]) => SetMetadata(SHOWN_ONCE, fields);
