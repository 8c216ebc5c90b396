import { ValidateBy, type ValidationOptions } from 'class-validator';

/** A real calendar date written YYYY-MM-DD (2023-02-30 is refused). */
export function IsIsoDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isIsoDate',
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
          const date = new Date(`${value}T00:00:00Z`);
          // An impossible month or day is an invalid Date; a day past the month's end rolls over.
          return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
        },
        defaultMessage: (args) => `${args?.property ?? "the value"} must be a date written YYYY-MM-DD`,
      },
    },
    options,
  );
}
