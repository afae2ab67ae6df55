// Start with: node --import @spanwise/core/register main.mjs
// (OTEL_EXPORTER_OTLP_ENDPOINT points it at a collector, or at `spanwise dev`.)
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.mjs';

const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
app.enableShutdownHooks();
await app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1');
console.log(`listening ${app.getHttpServer().address().port}`);
