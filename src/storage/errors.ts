/**
 * The database could not be reached (connection refused or lost, no answer in time). Any
 * repository call may reject with it; it says nothing was stored by that call, and that the
 * same call may work once the database is back.
 */
export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
}

export function isDatabaseUnavailable(error: unknown): error is DatabaseUnavailableError {
  return error instanceof DatabaseUnavailableError;
}
