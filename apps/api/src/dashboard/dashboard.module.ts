import { Module } from '@nestjs/common';
import { SessionController } from './session.controller.js';

/** The API side of the dashboard: the one route it needs that the rest of the API did not have. */
@Module({ controllers: [SessionController] })
export class DashboardModule {}
