// A NestJS 11 app with TracingModule and @Traced, written without decorator syntax (plain CommonJS).
require('reflect-metadata');
const { Controller, Get, Injectable, Module, Param } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { Traced, TracingModule } = require('@spanwise/nestjs');

class GreetingService {
  async compose(name) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    return `hello, ${name}`;
  }
}
Reflect.decorate([Traced(), Injectable()], GreetingService);

class HelloController {
  constructor(greetings) {
    this.greetings = greetings;
  }
  greet(name) {
    return this.greetings.compose(name);
  }
}
Reflect.decorate(
  [Get(':name'), Reflect.metadata('design:paramtypes', [String])],
  HelloController.prototype,
  'greet',
  Object.getOwnPropertyDescriptor(HelloController.prototype, 'greet'),
);
Param('name')(HelloController.prototype, 'greet', 0);
Reflect.decorate(
  [Controller('hello'), Reflect.metadata('design:paramtypes', [GreetingService])],
  HelloController,
);

class AppModule {}
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

NestFactory.create(AppModule, { logger: ['error', 'warn'] }).then(async (app) => {
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  console.log(
    `nest ${require('@nestjs/core/package.json').version} listening ${app.getHttpServer().address().port}`,
  );
});
