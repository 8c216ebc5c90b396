/**
 * What a decider or handler can refuse, each with the HTTP answer it maps to. Domain code throws these;
 * only the API layer knows about status codes.
 */
export class RuleViolation extends Error {
  readonly kind = 'rule-violation' as const;
  constructor(message: string) {
    super(message);
    this.name = 'RuleViolation';
  }
}

/**
 * A refusal whose message shows the sender the value they sent ("foundedYear 2999 is in the future"), with the same
 * rule stated apart, without the value (`rule`). The message is answered to the one person who sent the value; the
 * rule is what may be kept where no value may be, such as an import's outcome in the event log. Any refusal may
 * carry `rule` (OrganisationNumberTaken is an AlreadyExists); one without it states no value in its message.
 */
export class RuleViolationShowingValue extends RuleViolation {
  constructor(
    message: string,
    readonly rule: string,
  ) {
    super(message);
  }
}

export class NotFound extends Error {
  readonly kind = 'not-found' as const;
  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    super(`${entity} ${id} does not exist`);
    this.name = 'NotFound';
  }
}

export class AlreadyExists extends Error {
  readonly kind = 'already-exists' as const;
  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    super(`${entity} ${id} already exists`);
    this.name = 'AlreadyExists';
  }
}

/** The caller's If-Match revision is not the entity's current revision. */
export class StaleRevision extends Error {
  readonly kind = 'stale-revision' as const;
  constructor(
    readonly expected: number,
    readonly actual: number | 'none',
  ) {
    super(`The entity is at revision ${actual}, not ${expected}: reload it and try again`);
    this.name = 'StaleRevision';
  }
}
