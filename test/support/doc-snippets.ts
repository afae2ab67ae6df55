/** The ```ts blocks of a markdown file, list-indented ones included, dedented. */
export function tsBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^( *)```ts\n([\s\S]*?)^\1```/gm)].map(([, indent = '', body = '']) =>
    body
      .split('\n')
      .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line))
      .join('\n'),
  );
}

// What the documented snippets take from their surroundings: library imports they leave out, and the
// app's own names, declared with the libraries' types so the snippets are checked against those types.
const PRELUDE: Record<string, string> = {
  Module: "import { Module } from '@nestjs/common';",
  Injectable: "import { Injectable } from '@nestjs/common';",
  NestFactory: "import { NestFactory } from '@nestjs/core';",
  ConfigModule: "import { ConfigModule } from '@nestjs/config';",
  ConfigService: "import { ConfigService } from '@nestjs/config';",
  ClientTCP: "import { ClientTCP } from '@nestjs/microservices';",
  TracingModule: "import { TracingModule } from '@spanwise/nestjs';",
  Traced: "import { Traced } from '@spanwise/nestjs';",
  NoTrace: "import { NoTrace } from '@spanwise/nestjs';",
  autoTrace: "import { autoTrace } from '@spanwise/nestjs';",
  propagateContext: "import { propagateContext } from '@spanwise/nestjs';",
  getTracing: "import { getTracing } from '@spanwise/core';",
  carryContext: "import { carryContext } from '@spanwise/amqplib';",
  AppModule: 'declare class AppModule {}',
  OrdersController: 'declare class OrdersController {}',
  Order: 'interface Order { id: string }',
  Receipt: 'interface Receipt { orderId: string }',
  issueReceipt: 'declare function issueReceipt(order: Order): Promise<Receipt>;',
  QuotaExceeded: 'declare class QuotaExceeded extends Error {}',
  TracingConfig: [
    "import type { TracingModuleOptions, TracingOptionsFactory } from '@spanwise/nestjs';",
    'declare class TracingConfig implements TracingOptionsFactory {',
    '  createTracingOptions(): TracingModuleOptions;',
    '}',
  ].join('\n'),
  host: 'declare const host: string;',
  port: 'declare const port: number;',
  AMQP_URL: 'declare const AMQP_URL: string;',
  channel: "declare const channel: import('amqplib').ConfirmChannel;",
  responderChannel: "declare const responderChannel: import('amqplib').Channel;",
  channelWrapper: "declare const channelWrapper: import('amqp-connection-manager').ChannelWrapper;",
  body: 'declare const body: Buffer;',
  id: 'declare const id: string;',
  query: 'declare const query: { sku: string };',
  handle: "declare function handle(msg: import('amqplib').ConsumeMessage): Promise<void>;",
  price: "declare function price(msg: import('amqplib').ConsumeMessage): Promise<number>;",
  queue: "declare const queue: { push(callback: (result: import('amqplib').ConsumeMessage) => void): void };",
  OrdersBus: [
    'declare class OrdersBus {',
    '  constructor(channel: import("amqplib").Channel);',
    '  send(queue: string, order: unknown, options?: import("amqplib").Options.Publish): boolean;',
    '  subscribe(queue: string, handler: (payload: unknown, raw: import("amqplib").ConsumeMessage) => void): void;',
    '}',
  ].join('\n'),
};

/**
 * `snippet` as a module of its own, preceded by the prelude entries for the names it uses but neither
 * imports nor declares. Order matters only for `issueReceipt`, which names `Order` and `Receipt`.
 */
export function asModule(snippet: string): string {
  const uses = (name: string) => new RegExp(`(?<![.\\w'])${name}\\b`).test(snippet);
  const defines = (name: string) =>
    new RegExp(`(class|const|let|function|interface|type)\\s+${name}\\b|import\\s*{[^}]*\\b${name}\\b`).test(
      snippet,
    );
  const needed = new Set(Object.keys(PRELUDE).filter((name) => uses(name) && !defines(name)));
  if (needed.has('issueReceipt')) {
    if (!defines('Order')) needed.add('Order');
    if (!defines('Receipt')) needed.add('Receipt');
  }
  const prelude = Object.keys(PRELUDE)
    .filter((name) => needed.has(name))
    .map((name) => PRELUDE[name]);
  return `${prelude.join('\n')}\n${snippet}\nexport {};\n`;
}
