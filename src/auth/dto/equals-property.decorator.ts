import { ValidateBy, type ValidationArguments } from 'class-validator';

/** Fails unless the value equals the sibling property `other`. */
export function EqualsProperty(other: string) {
  return ValidateBy({
    name: 'equalsProperty',
    constraints: [other],
    validator: {
      validate: (value: unknown, args?: ValidationArguments) =>
        value === (args?.object as Record<string, unknown>)[other],
      defaultMessage: (args?: ValidationArguments) => `${args?.property} must match ${other}`,
    },
  });
}
