import { BadRequestException, Param, ParseUUIDPipe } from '@nestjs/common';

/** The `{id}` path parameter, which must be a uuid. */
export const IdParam = () =>
  Param(
    'id',
    new ParseUUIDPipe({
      exceptionFactory: () =>
        new BadRequestException({
          statusCode: 400,
          error: 'Bad Request',
          message: 'Invalid input: id (in the path) must be a UUID',
          problems: [{ field: 'id', rule: 'isUuid', message: 'id (in the path) must be a UUID' }],
        }),
    }),
  );
