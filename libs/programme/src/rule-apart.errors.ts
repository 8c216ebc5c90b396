import { RuleViolation } from './shared/domain-errors.js';

/**
 * A refusal whose message shows the sender the value they sent ("foundedYear 2999 is in the future"), with the same
 * rule stated apart, without the value (`rule`). The message is answered to the one person who sent the value; the
 * rule is what may be kept where no value may be, such as an import's outcome in the event log. Any refusal may
 * carry `rule` (OrganisationNumberTaken is an AlreadyExists); one without it states no value in its message.
 *
 * (It belongs beside RuleViolation in shared/domain-errors.ts; it was written here while that file had another owner.)
 */
export class RuleViolationShowingValue extends RuleViolation {
  constructor(
    message: string,
    readonly rule: string,
  ) {
    super(message);
  }
}

/** Runs a shared check whose message shows the value, and states its refusal's rule apart as given. */
export function withRuleApart(check: () => void, rule: () => string): void {
  try {
    check();
  } catch (error) {
    if (error instanceof RuleViolation && !(error instanceof RuleViolationShowingValue)) throw new RuleViolationShowingValue(error.message, rule());
    throw error;
  }
}
