import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'programme-ledger:public';

/** Routes that answer without a bearer token (health checks). Everything else needs one. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
