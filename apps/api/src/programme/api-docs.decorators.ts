import { applyDecorators, type Type } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiResponse } from '@nestjs/swagger';
import { CommandResultDto, ErrorDto } from './common.dto.js';

const errors = {
  400: 'Invalid input: every offending field and rule is listed; nothing is written',
  401: 'No bearer token, or one that is unknown, expired, revoked or erased',
  403: "The token's role lacks the permission the route needs, or the token is not for this project",
  404: 'An id in the path or body does not exist',
  409: 'The id already exists',
  412: 'If-Match names a revision that is no longer current',
  413: 'The body is larger than 1 MB',
  415: 'The body is not application/json',
  422: 'A rule of the project would be broken (a full lab, a closed activity, a date outside the project); or an Idempotency-Key reused for another request',
  429: 'Too many requests from this token or address; Retry-After says when to try again',
  503: 'The event store does not answer, or the read models are rebuilding or behind minPosition; nothing was written. See Retry-After',
} as const;

type ErrorStatus = keyof typeof errors;

/**
 * OpenAPI for a write route: its success answer (a {@link CommandResultDto}, or `type` when the route answers
 * more), the headers it honours and every error it can give.
 */
export function CommandRoute(status: 200 | 201, statuses: ErrorStatus[], type: Type<unknown> = CommandResultDto) {
  return applyDecorators(
    ApiBearerAuth(),
    ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Retry safely: the same key and body give the first answer' }),
    ApiHeader({ name: 'If-Match', required: false, description: 'The revision (ETag) the change is based on' }),
    ApiHeader({ name: 'X-Correlation-Id', required: false }),
    ApiResponse({ status, type, description: 'Recorded; ETag carries the new revision' }),
    ...[400, 401, 403, 413, 415, 429, 503, ...statuses].map((code) =>
      ApiResponse({ status: code, type: ErrorDto, description: errors[code as ErrorStatus] }),
    ),
  );
}

/** OpenAPI for a read route: every error a read can give; `notFound: false` for a route without an id to miss. */
export function ReadRoute({ notFound = true }: { notFound?: boolean } = {}) {
  return applyDecorators(
    ApiBearerAuth(),
    ApiResponse({ status: 400, type: ErrorDto, description: 'The id is not a uuid, or a query parameter breaks its rule' }),
    ...[401, 403, 429, 503].map((code) => ApiResponse({ status: code, type: ErrorDto, description: errors[code as ErrorStatus] })),
    ...(notFound ? [ApiResponse({ status: 404, type: ErrorDto, description: 'No such entity' })] : []),
  );
}
