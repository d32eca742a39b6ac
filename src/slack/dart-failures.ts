import {
  DartBadResponseError,
  DartNetworkError,
  DartNotFoundError,
  DartRejectedError,
  DartTooLargeError,
  isDartError,
  type DartError,
} from '../dart/errors.ts';
import { isDatabaseUnavailable } from '../storage/errors.ts';
import { code } from './mrkdwn.ts';

/**
 * The app's own database did not answer. Commands and lookups read or write it before any
 * write to DART, and nothing after such a write throws for it, so nothing was done.
 */
export const DATABASE_UNAVAILABLE = 'The app cannot reach its database right now, so nothing was done. Try again in a minute.';

/**
 * What to tell a person when a DART call failed: what happened and what to do, never a
 * stack trace. `subject` names the customer the call was about, when there is one.
 */
export function describeDartFailure(error: unknown, subject?: string): string {
  if (isDatabaseUnavailable(error)) return DATABASE_UNAVAILABLE;
  if (!isDartError(error)) return 'Something went wrong on our side. It has been logged; try again, and tell an admin if it persists.';
  return describe(error, subject);
}

function describe(error: DartError, subject: string | undefined): string {
  if (error instanceof DartRejectedError) return `DART refused the request: ${code(error.dartMessage)}`;
  if (error instanceof DartNotFoundError) return notFound(error, subject);
  if (error instanceof DartTooLargeError)
    return 'DART sent an answer too large to read (far larger than any DART answer). An admin should check `DART_API_URL`.';
  switch (error.kind) {
    case 'wrong_url':
      return 'DART_API_URL looks wrong: DART’s API is not at that address (it answered “not found” as no DART endpoint does). An admin needs to check `DART_API_URL`.';
    case 'unauthorized':
      return 'DART refused this app’s API token. An admin needs to check `DART_API_TOKEN`.';
    case 'rate_limited':
      return 'DART is limiting requests right now (too many in a short time). Try again in a minute.';
    case 'redirected':
      return error.outcomeUnknown
        ? 'DART answered with a redirect, which this app never follows for a change.'
        : 'DART answered with a redirect to another address, which this app does not follow. An admin should check `DART_API_URL`.';
    case 'server':
      return 'DART is having trouble right now (it answered with a server error). Try again in a minute.';
    case 'timeout':
      return 'DART did not answer in time. Try again in a minute.';
    case 'network':
      return error instanceof DartNetworkError && error.unreachable
        ? `Could not connect to DART at ${code(error.host)}. An admin should check \`DART_API_URL\`; if it is right, DART may be down.`
        : 'Could not reach DART (the connection failed or was dropped). Try again in a minute; if it persists, DART may be down.';
    case 'bad_response':
      return error instanceof DartBadResponseError && error.dartMessage !== undefined
        ? `DART’s answer did not read as a success (it said ${code(error.dartMessage)}).`
        : 'DART sent an answer this app could not read (perhaps an error page). Try again in a minute.';
    default:
      return 'DART refused the request.';
  }
}

/** DART's own "not found": says what DART did not find, with what was asked for. */
function notFound(error: DartNotFoundError, subject: string | undefined): string {
  const customer = subject ?? error.searched.dart_user_name;
  if (error.missing === 'customer') {
    return customer
      ? `DART has no customer ${code(customer)}. Check the DART user name (not the email) and try again.`
      : 'DART has no such customer.';
  }
  const asked = error.searched[error.missing];
  if (asked !== undefined) {
    const of = customer ? ` for ${code(customer)}` : '';
    return `DART has no ${error.missing} ${code(asked)}${of} (DART said ${code(error.dartMessage)}). Check the ${error.missing} name, capitals included.`;
  }
  return `DART found nothing: ${code(error.dartMessage)}.`;
}

/**
 * What to tell a person when a write did not succeed. `what` says what may have happened
 * ("the customer may or may not have been created"), for when DART gave no clear answer:
 * the app never resends a write, so the person has to look in DART before trying again.
 */
export function describeWriteFailure(result: { outcome: 'failed' | 'unknown'; error: unknown }, what: string, subject?: string): string {
  if (result.outcome === 'failed') return describeDartFailure(result.error, subject);
  const cause = isDartError(result.error)
    ? describeDartFailure(result.error).replace(/ Try again.*$/, '')
    : 'Something went wrong on our side.';
  return `${cause} The outcome is unknown: ${what}. Check in DART before trying again; this app did not retry.`;
}
