import { ValidateBy, type ValidationOptions } from 'class-validator';
import { readOrganisationNumber } from '@app/programme';

/**
 * An organisation number valid for the organisation's `country`: a Swedish one (10 digits, Luhn) for SE, a
 * Norwegian one (9 digits, mod 11) for NO; other countries' numbers are taken as given. The message names the rule.
 */
export function IsOrganisationNumber(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isOrganisationNumber',
      validator: {
        validate: (value: unknown, args) => {
          const country = (args?.object as { country?: unknown } | undefined)?.country;
          if (typeof value !== 'string') return false;
          return typeof country !== 'string' || !('problem' in readOrganisationNumber(country, value));
        },
        defaultMessage: (args) => {
          const country = (args?.object as { country?: unknown } | undefined)?.country;
          const reading = typeof args?.value === 'string' && typeof country === 'string' ? readOrganisationNumber(country, args.value) : undefined;
          return reading && 'problem' in reading ? reading.problem : 'organisationNumber must be a string';
        },
      },
    },
    options,
  );
}
