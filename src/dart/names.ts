import type { Customer } from './schemas.ts';

/** A customer's name as people read it: first and last name, or the DART user name when DART has neither. */
export function fullName(customer: Customer): string {
  return `${customer.first_name} ${customer.last_name}`.trim() || customer.dart_user_name;
}
