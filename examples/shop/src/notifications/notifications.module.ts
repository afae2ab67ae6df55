import { Module } from '@nestjs/common';
import { TracingModule } from '@spanwise/nestjs';
import { MailerService } from './mailer.service.js';
import { NotificationsConsumer } from './notifications.consumer.js';

/** The notifications worker: no transport of Nest's, just the in-house bus. */
@Module({
  imports: [TracingModule.forRoot()],
  providers: [NotificationsConsumer, MailerService],
})
export class NotificationsModule {}
