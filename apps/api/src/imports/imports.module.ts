import { Module } from '@nestjs/common';
import { ImportService } from './import.service.js';
import { ImportsController } from './imports.controller.js';

/** Spreadsheet imports: the route, and the service the CLI also runs in-process. */
@Module({ controllers: [ImportsController], providers: [ImportService], exports: [ImportService] })
export class ImportsModule {}
