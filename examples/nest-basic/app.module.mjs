// The same app a TypeScript user writes with decorators, spelled out in plain JavaScript so it runs as an
// ES module without a build step:
//
//   @Traced() @Injectable() class GreetingService { compose(name) { ... } }
//   @Controller('hello') class HelloController {
//     constructor(private readonly greetings: GreetingService) {}
//     @Get(':name') greet(@Param('name') name: string) { ... }
//   }
//   @Module({ imports: [TracingModule.forRoot()], controllers: [HelloController], providers: [GreetingService] })
import 'reflect-metadata';
import { setTimeout as delay } from 'node:timers/promises';
import { Controller, Get, Inject, Injectable, Module, Param } from '@nestjs/common';
import { Traced, TraceService, TracingModule } from '@spanwise/nestjs';

export class GreetingService {
  async compose(name) {
    await delay(5);
    return `hello, ${name}`;
  }
}
Reflect.decorate([Traced(), Injectable()], GreetingService);

export class HelloController {
  constructor(greetings, traces) {
    this.greetings = greetings;
    this.traces = traces;
  }

  async greet(name) {
    return { greeting: await this.greetings.compose(name), traceId: this.traces.getTraceId() };
  }
}
// Parameter decorators are plain calls: (target, method, index).
Inject(GreetingService)(HelloController, undefined, 0);
Inject(TraceService)(HelloController, undefined, 1);
Param('name')(HelloController.prototype, 'greet', 0);
Object.defineProperty(
  HelloController.prototype,
  'greet',
  Reflect.decorate(
    [Get(':name')],
    HelloController.prototype,
    'greet',
    Object.getOwnPropertyDescriptor(HelloController.prototype, 'greet'),
  ),
);
Reflect.decorate([Controller('hello')], HelloController);

export class AppModule {}
Reflect.decorate(
  [
    Module({
      imports: [TracingModule.forRoot()],
      controllers: [HelloController],
      providers: [GreetingService],
    }),
  ],
  AppModule,
);
