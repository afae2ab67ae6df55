import type {
  Attributes,
  AttributeValue,
  Context,
  Exception,
  HrTime,
  Link,
  SpanContext,
  SpanKind,
  SpanStatus,
  TimeInput,
} from '@opentelemetry/api';
import { diag, SpanStatusCode } from '@opentelemetry/api';
import {
  AddAttributeDecision,
  cleanAttributes,
  cleanSimpleAttributes,
  hrTimeDuration,
  isTimeInput,
  maybeAddAttribute,
  millisToHrTime,
} from '@opentelemetry/core';
import type { Span, SpanProcessor, TimedEvent } from '@opentelemetry/sdk-trace';
import type { ResolvedSpanLimits } from '../config/span-limits.js';
import type { SpanIdBytes } from './id-bytes.js';
import { type SpanClock, spanTime } from './span-time.js';

/** What every span of one tracer shares. */
export interface SpanShared {
  readonly resource: Span['resource'];
  readonly instrumentationScope: Span['instrumentationScope'];
  readonly limits: ResolvedSpanLimits;
  /** Every processor, for `onStart` and `onEnd`. */
  readonly processors: readonly SpanProcessor[];
  /** The processors that have an `onEnding`. */
  readonly endingProcessors: readonly SpanProcessor[];
}

/** How a span starts: what the tracer decided. */
export interface SpanStart {
  readonly name: string;
  readonly kind: SpanKind;
  readonly spanContext: SpanContext;
  readonly parentSpanContext: SpanContext | undefined;
  /** Already cleaned and limited. */
  readonly attributes: Attributes;
  /** How many `attributes` holds. */
  readonly attributesCount: number;
  readonly droppedAttributesCount: number;
  /** Already cleaned; the link count limit is applied here. */
  readonly links: Link[] | undefined;
  readonly startTime: TimeInput | undefined;
  /** The raw bytes of the ids, where the engine's generator made them. */
  readonly ids: SpanIdBytes;
}

const UNSET: SpanStatus = Object.freeze({ code: SpanStatusCode.UNSET });
const NOT_ENDED: HrTime = Object.freeze([0, 0]) as unknown as HrTime;
const NO_DURATION: HrTime = Object.freeze([-1, -1]) as unknown as HrTime;
const NONE: never[] = Object.freeze([]) as unknown as never[];
const EXCEPTION_TYPE = 'exception.type';
const EXCEPTION_MESSAGE = 'exception.message';
const EXCEPTION_STACKTRACE = 'exception.stacktrace';

/**
 * A span of the lean engine: one fixed-shape record that is at once the API's `Span`, the SDK's
 * `ReadableSpan` (what span processors and Spanwise's OTLP encoder read) and the SDK's `Span`. Its
 * behaviour is the SDK `SpanImpl`'s, limits, warnings and time rules included (the conformance test
 * compares the two on the wire); it differs in cost: no per-span clock objects, no empty arrays until an
 * event or link arrives, a fast path for the attribute values that are nearly all of them, and the
 * processors called from one flat list.
 */
export class LeanSpan implements Span, SpanClock, SpanIdBytes {
  name: string;
  readonly kind: SpanKind;
  // Declared fields are defined (undefined) by the constructor, so every span has the same shape.
  readonly parentSpanContext?: SpanContext;
  readonly attributes: Attributes;
  links: Link[];
  events: TimedEvent[];
  readonly startTime: HrTime;
  endTime: HrTime = NOT_ENDED;
  status: SpanStatus = UNSET;
  ended = false;
  droppedAttributesCount: number;
  droppedEventsCount = 0;
  droppedLinksCount = 0;
  readonly resource: Span['resource'];
  readonly instrumentationScope: Span['instrumentationScope'];
  readonly startedAtMs: number;
  readonly startedAtPerf: number;
  readonly startTimeProvided: boolean;
  readonly traceIdBytes: Uint8Array | undefined;
  readonly traceIdAt: number;
  readonly spanIdBytes: Uint8Array | undefined;
  readonly spanIdAt: number;
  readonly parentIdBytes: Uint8Array | undefined;
  readonly parentIdAt: number;
  private attributesCount: number;
  private readonly context: SpanContext;
  private readonly shared: SpanShared;

  constructor(shared: SpanShared, start: SpanStart, parentContext: Context) {
    this.shared = shared;
    this.context = start.spanContext;
    this.name = start.name;
    this.kind = start.kind;
    if (start.parentSpanContext !== undefined) this.parentSpanContext = start.parentSpanContext;
    this.attributes = start.attributes;
    this.attributesCount = start.attributesCount;
    this.droppedAttributesCount = start.droppedAttributesCount;
    this.resource = shared.resource;
    this.instrumentationScope = shared.instrumentationScope;
    const ids = start.ids;
    this.traceIdBytes = ids.traceIdBytes;
    this.traceIdAt = ids.traceIdAt;
    this.spanIdBytes = ids.spanIdBytes;
    this.spanIdAt = ids.spanIdAt;
    this.parentIdBytes = ids.parentIdBytes;
    this.parentIdAt = ids.parentIdAt;
    this.events = NONE;
    const now = Date.now();
    this.startedAtMs = now;
    this.startedAtPerf = performance.now();
    this.startTimeProvided = start.startTime != null;
    this.startTime = this.startTimeProvided ? spanTime(this, start.startTime) : millisToHrTime(now);
    const links = start.links;
    const linkLimit = shared.limits.linkCountLimit;
    if (links === undefined) this.links = NONE;
    else if (links.length > linkLimit) {
      this.links = links.slice(links.length - linkLimit);
      this.droppedLinksCount = links.length - linkLimit;
    } else this.links = links;
    const processors = shared.processors;
    for (let i = 0; i < processors.length; i++) processors[i]!.onStart(this, parentContext);
  }

  spanContext(): SpanContext {
    return this.context;
  }

  get duration(): HrTime {
    return this.ended ? hrTimeDuration(this.startTime, this.endTime) : NO_DURATION;
  }

  isRecording(): boolean {
    return !this.ended;
  }

  setAttribute(key: string, value: AttributeValue): this {
    if (this.ended) return this.warnEnded();
    if (value === undefined) return this;
    const type = typeof value;
    if (
      key.length === 0 ||
      key === '__proto__' ||
      (type !== 'string' && type !== 'number' && type !== 'boolean')
    ) {
      return this.setAttributeChecked(key, value);
    }
    const attributes = this.attributes;
    // A new key: nothing there (own values are never undefined), or something inherited: `toString` from
    // Object.prototype, or an element of an array a caller set as `__proto__`. Only a key that reads as
    // present pays for `Object.hasOwn`, and that is rare: a span's keys are nearly always new.
    const existing = attributes[key];
    if (existing === undefined || !Object.hasOwn(attributes, key)) {
      if (this.attributesCount >= this.shared.limits.attributeCountLimit) return this.dropAttribute();
      this.attributesCount++;
    }
    const limit = this.shared.limits.attributeValueLengthLimit;
    attributes[key] =
      type === 'string' && (value as string).length > limit ? (value as string).substring(0, limit) : value;
    return this;
  }

  setAttributes(attributes: Attributes): this {
    // Like the SDK's `for…in` with an own-property check, a careless `null` or `undefined` sets nothing.
    if (attributes == null) return this;
    const keys = Object.keys(attributes);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      this.setAttribute(key, attributes[key] as AttributeValue);
    }
    return this;
  }

  addEvent(name: string, attributesOrStartTime?: Attributes | TimeInput, timeStamp?: TimeInput): this {
    if (this.ended) return this.warnEnded();
    const limits = this.shared.limits;
    if (limits.eventCountLimit === 0) {
      diag.warn('No events allowed.');
      this.droppedEventsCount++;
      return this;
    }
    if (this.events === NONE) this.events = [];
    else if (this.events.length >= limits.eventCountLimit) {
      if (this.droppedEventsCount === 0) diag.debug('Dropping extra events.');
      this.events.shift();
      this.droppedEventsCount++;
    }
    let attributes = attributesOrStartTime;
    let time = timeStamp;
    if (isTimeInput(attributesOrStartTime)) {
      if (!isTimeInput(timeStamp)) time = attributesOrStartTime;
      attributes = undefined;
    }
    this.events.push({
      name,
      time: spanTime(this, time),
      ...cleanSimpleAttributes(attributes as Attributes | undefined, {
        attributeCountLimit: limits.attributePerEventCountLimit,
        attributeValueLengthLimit: limits.attributeValueLengthLimit,
      }),
    });
    return this;
  }

  addLink(link: Link): this {
    if (this.ended) return this.warnEnded();
    const limits = this.shared.limits;
    if (limits.linkCountLimit === 0) {
      this.droppedLinksCount++;
      return this;
    }
    if (this.links === NONE) this.links = [];
    else if (this.links.length >= limits.linkCountLimit) {
      if (this.droppedLinksCount === 0) diag.debug('Dropping extra links.');
      this.links.shift();
      this.droppedLinksCount++;
    }
    this.links.push(cleanLink(link, limits));
    return this;
  }

  addLinks(links: Link[]): this {
    for (const link of links) this.addLink(link);
    return this;
  }

  setStatus(status: SpanStatus): this {
    if (this.ended) return this.warnEnded();
    if (status.code === SpanStatusCode.UNSET || this.status.code === SpanStatusCode.OK) return this;
    const next: SpanStatus = { code: status.code };
    if (status.code === SpanStatusCode.ERROR) {
      if (typeof status.message === 'string') next.message = status.message;
      else if (status.message != null) {
        diag.warn(`Dropping invalid status.message of type '${typeof status.message}', expected 'string'`);
      }
    }
    this.status = next;
    return this;
  }

  updateName(name: string): this {
    if (this.ended) return this.warnEnded();
    this.name = name;
    return this;
  }

  end(endTime?: TimeInput): void {
    if (this.ended) {
      diag.error(
        `${this.name} ${this.context.traceId}-${this.context.spanId} - You can only call end() on a span once.`,
      );
      return;
    }
    let end = spanTime(this, endTime);
    if (hrTimeDuration(this.startTime, end)[0] < 0) {
      diag.warn(
        'Inconsistent start and end time, startTime > endTime. Setting span duration to 0ms.',
        this.startTime,
        end,
      );
      end = this.startTime.slice() as HrTime;
    }
    this.endTime = end;
    if (this.droppedEventsCount > 0) {
      diag.warn(`Dropped ${this.droppedEventsCount} events because eventCountLimit reached`);
    }
    if (this.droppedLinksCount > 0) {
      diag.warn(`Dropped ${this.droppedLinksCount} links because linkCountLimit reached`);
    }
    const ending = this.shared.endingProcessors;
    for (let i = 0; i < ending.length; i++) ending[i]!.onEnding!(this);
    this.ended = true;
    const processors = this.shared.processors;
    for (let i = 0; i < processors.length; i++) processors[i]!.onEnd(this);
  }

  recordException(exception: Exception, time?: TimeInput): void {
    const attributes: Attributes = {};
    if (typeof exception === 'string') attributes[EXCEPTION_MESSAGE] = exception;
    else if (exception) {
      if (exception.code) attributes[EXCEPTION_TYPE] = exception.code.toString();
      else if (exception.name) attributes[EXCEPTION_TYPE] = exception.name;
      if (exception.message) attributes[EXCEPTION_MESSAGE] = exception.message;
      if (exception.stack) attributes[EXCEPTION_STACKTRACE] = exception.stack;
    }
    if (attributes[EXCEPTION_TYPE] || attributes[EXCEPTION_MESSAGE])
      this.addEvent('exception', attributes, time);
    else diag.warn(`Failed to record an exception ${exception}`);
  }

  /** `setAttribute` for what the fast path does not take: the SDK's own check, with its decisions. */
  private setAttributeChecked(key: string, value: AttributeValue): this {
    const decision = maybeAddAttribute({
      key,
      value,
      attributes: this.attributes,
      limits: this.shared.limits,
      currentAttributesCount: this.attributesCount,
    });
    if (decision === AddAttributeDecision.DROP_LIMIT_REACHED) return this.dropAttribute();
    if (decision === AddAttributeDecision.ADD_NEW) this.attributesCount++;
    return this;
  }

  private dropAttribute(): this {
    this.droppedAttributesCount++;
    if (this.droppedAttributesCount === 1) diag.warn('Dropping extra attributes.');
    return this;
  }

  private warnEnded(): this {
    const { traceId, spanId } = this.context;
    diag.warn(
      `Cannot execute the operation on ended Span {traceId: ${traceId}, spanId: ${spanId}}`,
      new Error(`Operation attempted on ended Span {traceId: ${traceId}, spanId: ${spanId}}`),
    );
    return this;
  }
}

/** A link with its attributes cleaned under the per-link limits, as the SDK stores it. */
export function cleanLink(link: Link, limits: ResolvedSpanLimits): Link {
  return {
    context: link.context,
    ...cleanAttributes(link.attributes, {
      attributeCountLimit: limits.attributePerLinkCountLimit,
      attributeValueLengthLimit: limits.attributeValueLengthLimit,
    }),
  };
}
