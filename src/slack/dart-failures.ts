import { DartRejectedError, isDartError } from '../dart/errors.ts';
import { code } from './mrkdwn.ts';

/**
 * What to tell a person when a DART call failed: what happened and what to do, never a
 * stack trace. `subject` names the customer the call was about, when there is one.
 */
export function describeDartFailure(error: unknown, subject?: string): string {
  if (!isDartError(error)) return 'Something went wrong on our side. It has been logged; try again, and tell an admin if it persists.';
  if (error instanceof DartRejectedError) return `DART refused the request: ${code(error.dartMessage)}`;
  switch (error.kind) {
    case 'not_found':
      return subject
        ? `DART has no customer ${code(subject)}. Check the DART user name (not the email) and try again.`
        : 'DART has no such record.';
    case 'unauthorized':
      return 'DART refused this app’s API token. An admin needs to check `DART_API_TOKEN`.';
    case 'rejected':
      return 'DART refused the request.';
    case 'server':
      return 'DART is having trouble right now (it answered with a server error). Try again in a minute.';
    case 'timeout':
      return 'DART did not answer in time. Try again in a minute.';
    case 'network':
      return 'Could not reach DART. Try again in a minute; if it persists, DART may be down.';
    case 'bad_response':
      return 'DART sent an answer this app could not read (perhaps an error page). Try again in a minute.';
  }
}

/**
 * What to tell a person when a write did not succeed. `what` says what may have happened
 * ("the customer may or may not have been created"), for when DART gave no clear answer:
 * the app never resends a write, so the person has to look in DART before trying again.
 */
export function describeWriteFailure(result: { outcome: 'failed' | 'unknown'; error: unknown }, what: string, subject?: string): string {
  if (result.outcome === 'failed') return describeDartFailure(result.error, subject);
  const cause = isDartError(result.error) ? describeDartFailure(result.error).replace(/ Try again.*$/, '') : 'Something went wrong on our side.';
  return `${cause} The outcome is unknown: ${what}. Check in DART before trying again; this app did not retry.`;
}
