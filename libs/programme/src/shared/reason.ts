/**
 * Why a record was corrected, erased, retracted or reclassified, as a closed set an auditor can count and
 * read without the person: the free text beside it may name people, so it is sealed or kept apart.
 */
export const REASON_CATEGORIES = ['data-subject-request', 'data-entry-error', 'late-information', 'duplicate', 'other'] as const;
export type ReasonCategory = (typeof REASON_CATEGORIES)[number];

/** What a command is given when the caller names no category. */
export const DEFAULT_REASON_CATEGORY: ReasonCategory = 'other';

/** Why, as a command is given it: the caller's words and, optionally, the category (DEFAULT_REASON_CATEGORY). */
export interface ReasonInput {
  reason: string;
  reasonCategory?: ReasonCategory;
}
