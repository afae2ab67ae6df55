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
  startTracing: "import { startTracing } from '@spanwise/core';",
  DEFAULT_REDACTED_QUERY_PARAMS: "import { DEFAULT_REDACTED_QUERY_PARAMS } from '@spanwise/core';",
  closeEverything: 'declare function closeEverything(): Promise<void>;',
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
  const uses = (name: string) => new RegExp(`(?<![\\w']|[^.]\\.)${name}\\b`).test(snippet);
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

/** A `// src/name.ts` line that starts one file of a snippet showing several. */
const FILE_MARKER = /^\/\/ (?:src\/)?([\w.-]+)\.ts\s*$/;

/**
 * The files of a snippet, by name: a snippet that shows several files (`// src/app.module.ts` then
 * `// src/app.service.ts`) becomes one module per file, so their imports of each other resolve; one without
 * markers is the single file `main.ts`. An import of an app file the snippet does not show (`./app.controller.js`)
 * becomes a declaration of the names it imports, and a side-effect import of one is left out.
 */
export function asModules(snippet: string): Record<string, string> {
  const files: Record<string, string[]> = {};
  let current = 'main';
  for (const line of snippet.split('\n')) {
    const marker = FILE_MARKER.exec(line);
    if (marker?.[1] !== undefined) current = marker[1];
    const list = files[current] ?? [];
    files[current] = list;
    list.push(line);
  }
  const shown = new Set(Object.keys(files));
  const out: Record<string, string> = {};
  for (const [name, lines] of Object.entries(files)) {
    const body = lines
      .map((line) => {
        const local = /^import\s+(?:\{([^}]*)\}\s+from\s+)?'\.\/([\w.-]+)\.js';/.exec(line);
        if (local === null || shown.has(local[2] ?? '')) return line;
        const names = (local[1] ?? '')
          .split(',')
          .map((n) => n.trim())
          .filter(Boolean);
        return names.map((n) => `declare class ${n} {}`).join('\n');
      })
      .join('\n');
    out[`${name}.ts`] = asModule(body);
  }
  return out;
}
