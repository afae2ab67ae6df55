// A resource whose detector answers late (cloud metadata): the pipeline must not encode spans before the
// resource settles, or their resource would lack those attributes for good.
import { resourceFromAttributes } from '@opentelemetry/resources';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { type Receiver, startReceiver } from '@spanwise/cli';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createExportPipeline } from '../../src/export/index.js';
import { testConfig } from './pipeline-harness.js';

let receiver: Receiver;
beforeEach(async () => {
  receiver = await startReceiver();
});
afterEach(async () => {
  await receiver.close();
});

describe('export pipeline and a resource with pending attributes', () => {
  it('holds spans unencoded until the resource settles, then exports them with every attribute', async () => {
    const pipeline = createExportPipeline(testConfig(receiver.endpoint));
    const { promise: cloudProvider, resolve: answer } = Promise.withResolvers<string>();
    const resource = resourceFromAttributes({ 'service.name': 'gated', 'cloud.provider': cloudProvider });
    const provider = new TracerProvider({ spanProcessors: [pipeline], resource });
    for (let i = 0; i < 3; i++) provider.getTracer('t').startSpan(`early-${i}`).end();

    const flushed = pipeline.forceFlush();
    expect(resource.asyncAttributesPending).toBe(true);
    expect(pipeline.stats()).toMatchObject({ queuedSpans: 3, exportedSpans: 0 });
    answer('aws');
    await flushed;

    const spans = await receiver.waitForSpans(3);
    expect(spans.map((s) => s.resource['cloud.provider'])).toEqual(['aws', 'aws', 'aws']);
    expect(pipeline.stats()).toMatchObject({ queuedSpans: 0, exportedSpans: 3 });
    await pipeline.shutdown(1000);
  });

  it('on shutdown, waits for the resource within the deadline instead of dropping the held spans', async () => {
    const pipeline = createExportPipeline(testConfig(receiver.endpoint));
    const { promise: region, resolve: answer } = Promise.withResolvers<string>();
    const resource = resourceFromAttributes({ 'service.name': 'gated', 'cloud.region': region });
    const provider = new TracerProvider({ spanProcessors: [pipeline], resource });
    provider.getTracer('t').startSpan('last').end();

    const done = pipeline.shutdown(5000);
    answer('eu-west-1');
    await done;

    expect(pipeline.stats()).toMatchObject({ exportedSpans: 1, droppedSpans: { shutdown: 0 } });
    const [span] = await receiver.waitForSpans(1);
    expect(span!.resource['cloud.region']).toBe('eu-west-1');
  });
});
