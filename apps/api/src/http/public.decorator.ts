import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'programme-ledger:public';

/** Routes that answer without an API key (health checks). Everything else needs one. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
