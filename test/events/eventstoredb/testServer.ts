// A wire-compatible EventStoreDB test server: a gRPC server on 127.0.0.1 built with @grpc/grpc-js
// from the service definitions @eventstore/db-client ships, holding its log in memory. It speaks
// what the client uses for the event-store port, with EventStoreDB's documented behaviour:
//
// - ServerFeatures.GetSupportedMethods lists read / append / batchappend (or, with
//   `serverFeatures: false`, is unimplemented, so the client falls back to Streams.Append).
// - Streams.Append (client streaming) and Streams.BatchAppend (bidirectional, by correlation id):
//   expected revision / no_stream / any / stream_exists, wrong-expected-version replies carrying
//   the current revision, idempotent retries, maximum append size.
// - Streams.Read: stream reads forwards/backwards from start/end/a revision (stream_not_found for a
//   missing stream), $all reads forwards/backwards from start/end/a position (inclusive forwards,
//   exclusive backwards), and subscriptions to $all or a stream: confirmation, catch-up, an empty
//   caught_up, then live events; an exclusive start; filters on event type or stream name
//   (regex or prefixes, e.g. excludeSystemEvents()' `^[^$].*`) with checkpoints.
// - A subscription listens for new appends before it reads history and de-duplicates by
//   position; it awaits 'drain' whenever call.write() returns false; when its live buffer
//   overflows it falls behind (fell_behind) and catches up again from the log.
// - System events ($epoch-information, $settings, $statsCollected, $metadata) are written at start
//   and can be added at any time with appendSystemEvent().
// - PersistentSubscriptions (persistentSubscriptions.ts): groups on $all or a stream, read with
//   ack / nack, retries, parking and replay, round robin / dispatch to single / pinned.
// - kill() drops every call (the client sees UNAVAILABLE) and closes the port; restart() serves
//   the same data on the same port again.
import * as grpc from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import {
  ANY,
  MemoryLog,
  NO_STREAM,
  STREAM_EXISTS,
  compareTfPos,
  eventPos,
  type AppendOutcome,
  type ExpectedVersion,
  type ProposedEvent,
  type StoredEvent,
  type TfPos,
} from './memoryLog';
import { PersistentSubscriptionGroups } from './persistentSubscriptions';
import {
  RpcCode,
  persistentGrpc,
  emptyPb,
  packAny,
  serverFeaturesGrpc,
  serverFeaturesPb,
  sharedPb,
  statusPb,
  streamIdentifier,
  streamName,
  streamsGrpc,
  streamsPb,
  uuidMessage,
  uuidToString,
  type AppendReq,
  type AppendResp,
  type BatchAppendReq,
  type BatchAppendResp,
  type GrpcRecordedEvent,
  type ReadReq,
  type ReadResp,
} from './wire';

export interface TestServerOptions {
  /** Answer ServerFeatures.GetSupportedMethods (default true); false → UNIMPLEMENTED. */
  serverFeatures?: boolean;
  /** List and serve Streams.BatchAppend (default true). */
  batchAppend?: boolean;
  /** EventStoreDB's MaxAppendSize (default 1 MiB). */
  maxAppendSize?: number;
  /** Live events a subscription may buffer before it falls behind (EventStoreDB: 32). */
  maxLiveBuffer?: number;
  /** Events per page when a subscription catches up from the log. */
  catchUpPage?: number;
  /** Version reported by ServerFeatures. */
  version?: string;
}

export interface ServerCounters {
  appendCalls: number;
  batchAppendCalls: number;
  batchAppendRequests: number;
  readCalls: number;
  subscriptions: number;
  /** Events written to subscription calls (after filtering). */
  subscriptionEventsSent: number;
  fellBehind: number;
}

const STATS_STREAM = '$stats-127.0.0.1:2113';
const MAX_COUNT = Number.MAX_SAFE_INTEGER;

/** One gRPC call in flight; closed when the client goes away or the server is killed. */
class CallScope {
  closed = false;
  subscription = false;
  private readonly waiters = new Set<() => void>();

  constructor(readonly call: grpc.ServerWritableStream<unknown, unknown> | grpc.ServerDuplexStream<unknown, unknown>) {
    const close = () => this.close();
    call.on('cancelled', close);
    call.on('close', close);
    call.on('error', close);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const wake of [...this.waiters]) wake();
    this.waiters.clear();
  }

  /** Resolves when `register`'s wake-up fires, or when the call closes. */
  wait(register: (wake: () => void) => () => void): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      let unregister = () => {};
      const wake = () => {
        this.waiters.delete(wake);
        unregister();
        resolve();
      };
      this.waiters.add(wake);
      unregister = register(wake);
    });
  }

  /** call.write() with back-pressure: waits for 'drain' when the buffer is full. */
  async send(message: unknown): Promise<boolean> {
    if (this.closed) return false;
    const writable = this.call as unknown as NodeJS.WritableStream;
    if (!writable.write(message as never)) {
      await this.wait((wake) => {
        this.call.once('drain', wake);
        return () => this.call.off('drain', wake);
      });
    }
    return !this.closed;
  }
}

interface Filter {
  on: 'stream' | 'type';
  prefixes: string[];
  regex?: RegExp;
  checkpointEvery: number;
}

export class EventStoreTestServer {
  readonly log = new MemoryLog();
  /** The persistent subscription groups (PersistentSubscriptions service); they outlive kill(). */
  readonly persistent = new PersistentSubscriptionGroups(this.log);
  readonly counters: ServerCounters = {
    appendCalls: 0,
    batchAppendCalls: 0,
    batchAppendRequests: 0,
    readCalls: 0,
    subscriptions: 0,
    subscriptionEventsSent: 0,
    fellBehind: 0,
  };
  private server: grpc.Server | undefined;
  private boundPort = 0;
  private readonly scopes = new Set<CallScope>();
  private readonly options: Required<TestServerOptions>;

  private constructor(options: TestServerOptions) {
    this.options = {
      serverFeatures: options.serverFeatures ?? true,
      batchAppend: options.batchAppend ?? true,
      maxAppendSize: options.maxAppendSize ?? 1024 * 1024,
      maxLiveBuffer: options.maxLiveBuffer ?? 32,
      catchUpPage: options.catchUpPage ?? 256,
      version: options.version ?? '23.10.0',
    };
    this.writeStartupRecords();
  }

  static async start(options: TestServerOptions = {}): Promise<EventStoreTestServer> {
    const server = new EventStoreTestServer(options);
    await server.listen(0);
    return server;
  }

  get port(): number {
    return this.boundPort;
  }

  get connectionString(): string {
    return `esdb://127.0.0.1:${this.boundPort}?tls=false`;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  /** Subscriptions (Streams.Read with `subscription`) currently open. */
  get openSubscriptions(): number {
    let n = 0;
    for (const scope of this.scopes) if (scope.subscription && !scope.closed) n++;
    return n;
  }

  /** Writes a system event, as EventStoreDB does for stats, settings and stream metadata. */
  appendSystemEvent(stream = STATS_STREAM, type = '$statsCollected', data: unknown = { 'proc-cpu': 1.5 }): StoredEvent {
    const outcome = this.log.append(stream, ANY, [jsonProposed(type, data)]);
    if (!outcome.ok) throw new Error('system write refused');
    return this.log.events.at(-1)!;
  }

  /**
   * Drops every call and closes the port, like a node going down; the data is kept. Calls whose
   * client is reading get an UNAVAILABLE status; calls stuck behind flow control (the client not
   * reading) are reset when the connections are torn down (the client sees CANCELLED).
   */
  async kill(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    const scopes = [...this.scopes];
    this.scopes.clear();
    this.persistent.close();
    for (const scope of scopes) {
      scope.close();
      try {
        scope.call.emit('error', { code: grpc.status.UNAVAILABLE, details: 'Server is shutting down' });
      } catch {
        // the call is already gone
      }
    }
    if (!server) return;
    // Let the statuses go out (a graceful shutdown completes once every call has ended), but
    // never wait for a client that does not read.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 100);
      server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    server.forceShutdown();
    await new Promise((resolve) => setImmediate(resolve));
  }

  /** Serves the same log on the same port again. */
  async restart(): Promise<void> {
    if (this.server) return;
    let lastError: unknown;
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        await this.listen(this.boundPort);
        return;
      } catch (error) {
        lastError = error;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    throw lastError;
  }

  async stop(): Promise<void> {
    await this.kill();
    this.persistent.dispose();
  }

  // ----- lifecycle -----

  private async listen(port: number): Promise<void> {
    const server = new grpc.Server({ 'grpc.max_receive_message_length': 32 * 1024 * 1024 });
    if (this.options.serverFeatures) {
      server.addService(serverFeaturesGrpc.ServerFeaturesService as unknown as grpc.ServiceDefinition, {
        getSupportedMethods: (_call: unknown, callback: grpc.sendUnaryData<unknown>) =>
          callback(null, this.supportedMethods()),
      });
    }
    const streams: grpc.UntypedServiceImplementation = {
      read: (call: grpc.ServerWritableStream<ReadReq, ReadResp>) => void this.read(call),
      append: (call: grpc.ServerReadableStream<AppendReq, AppendResp>, callback: grpc.sendUnaryData<AppendResp>) =>
        this.append(call, callback),
    };
    if (this.options.batchAppend) {
      streams.batchAppend = (call: grpc.ServerDuplexStream<BatchAppendReq, BatchAppendResp>) => this.batchAppend(call);
    }
    server.addService(streamsGrpc.StreamsService as unknown as grpc.ServiceDefinition, streams);
    server.addService(
      persistentGrpc.PersistentSubscriptionsService as unknown as grpc.ServiceDefinition,
      this.persistent.service(),
    );
    this.persistent.open();
    this.boundPort = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
    this.server = server;
  }

  private writeStartupRecords(): void {
    // The epoch record is a system log record, not an event: the first event is not at 0.
    this.log.skip(128);
    this.log.append('$epoch-information', ANY, [
      jsonProposed('$epoch-information', { epochId: randomUUID(), epochNumber: 0, epochPosition: 0 }),
    ]);
    this.log.append('$settings', NO_STREAM, [
      jsonProposed('$settings', { $userStreamAcl: { $r: '$all' }, $systemStreamAcl: { $r: '$admins' } }),
    ]);
    this.log.append(`$$${STATS_STREAM}`, ANY, [jsonProposed('$metadata', { $maxAge: 86400 })]);
    this.appendSystemEvent();
  }

  private track(call: CallScope['call']): CallScope {
    const scope = new CallScope(call);
    this.scopes.add(scope);
    const forget = () => this.scopes.delete(scope);
    call.once('close', forget);
    call.once('finish', forget);
    call.once('cancelled', forget);
    return scope;
  }

  private supportedMethods() {
    const method = (service: string, name: string, features: string[] = []) =>
      new serverFeaturesPb.SupportedMethod().setServiceName(service).setMethodName(name).setFeaturesList(features);
    const streams = 'event_store.client.streams.streams';
    const methods = [
      method(streams, 'read', ['position', 'events']),
      method(streams, 'append'),
      method('event_store.client.server_features.serverfeatures', 'getsupportedmethods'),
    ];
    if (this.options.batchAppend) methods.push(method(streams, 'batchappend', ['deadline_duration']));
    const persistent = 'event_store.client.persistent_subscriptions.persistentsubscriptions';
    for (const name of ['create', 'update', 'delete', 'read', 'replayparked', 'getinfo']) methods.push(method(persistent, name, ['stream', 'all']));
    return new serverFeaturesPb.SupportedMethods().setMethodsList(methods).setEventStoreServerVersion(this.options.version);
  }

  // ----- appends -----

  private append(
    call: grpc.ServerReadableStream<AppendReq, AppendResp>,
    callback: grpc.sendUnaryData<AppendResp>,
  ): void {
    this.counters.appendCalls++;
    let stream: string | undefined;
    let expected: ExpectedVersion | undefined;
    const events: ProposedEvent[] = [];
    let size = 0;
    let failed = false;
    const fail = (error: Partial<grpc.ServiceError>) => {
      if (failed) return;
      failed = true;
      callback(error as grpc.ServiceError, null);
    };
    call.on('data', (req: AppendReq) => {
      if (failed) return;
      if (req.hasOptions()) {
        const options = req.getOptions()!;
        stream = streamName(options.getStreamIdentifier());
        expected = options.hasRevision()
          ? BigInt(options.getRevision())
          : options.hasNoStream()
            ? NO_STREAM
            : options.hasStreamExists()
              ? STREAM_EXISTS
              : ANY;
        return;
      }
      if (!req.hasProposedMessage() || stream === undefined) {
        return fail({ code: grpc.status.INVALID_ARGUMENT, details: 'options must come first' });
      }
      const proposed = fromProposed(req.getProposedMessage()!);
      if (!proposed) return fail({ code: grpc.status.INVALID_ARGUMENT, details: 'bad proposed message' });
      size += proposed.data.length;
      if (size > this.options.maxAppendSize) {
        const metadata = new grpc.Metadata();
        metadata.set('exception', 'maximum-append-size-exceeded');
        metadata.set('maximum-append-size', String(this.options.maxAppendSize));
        return fail({ code: grpc.status.INVALID_ARGUMENT, details: 'Maximum Append Size exceeded', metadata });
      }
      events.push(proposed);
    });
    call.on('error', () => {
      failed = true;
    });
    call.on('end', () => {
      if (failed) return;
      if (stream === undefined || expected === undefined) {
        return fail({ code: grpc.status.INVALID_ARGUMENT, details: 'missing options' });
      }
      const outcome = this.log.append(stream, expected, events);
      callback(null, appendResponse(outcome, expected));
    });
  }

  private batchAppend(call: grpc.ServerDuplexStream<BatchAppendReq, BatchAppendResp>): void {
    this.counters.batchAppendCalls++;
    const scope = this.track(call as never);
    const pending = new Map<string, { stream: string; expected: ExpectedVersion; events: ProposedEvent[]; size: number }>();
    call.on('data', (req: BatchAppendReq) => {
      if (scope.closed) return;
      const correlation = uuidToString(req.getCorrelationId());
      if (!correlation) return;
      const respond = (fill: (resp: BatchAppendResp) => void, stream: string | undefined) => {
        const resp = new streamsPb.BatchAppendResp().setCorrelationId(req.getCorrelationId());
        if (stream !== undefined) resp.setStreamIdentifier(streamIdentifier(stream));
        fill(resp);
        if (!scope.closed) call.write(resp);
      };
      if (req.hasOptions()) {
        const options = req.getOptions()!;
        const stream = streamName(options.getStreamIdentifier());
        if (stream === undefined) {
          const error = rpcStatus(RpcCode.INVALID_ARGUMENT, 'Required field StreamIdentifier not set.');
          return respond((r) => r.setError(error), undefined);
        }
        const expected = options.hasStreamPosition()
          ? BigInt(options.getStreamPosition())
          : options.hasNoStream()
            ? NO_STREAM
            : options.hasStreamExists()
              ? STREAM_EXISTS
              : ANY;
        if (!pending.has(correlation)) pending.set(correlation, { stream, expected, events: [], size: 0 });
      }
      const write = pending.get(correlation);
      if (!write) return;
      this.counters.batchAppendRequests++;
      for (const message of req.getProposedMessagesList()) {
        const proposed = fromProposed(message);
        if (!proposed) {
          pending.delete(correlation);
          return respond((r) => r.setError(rpcStatus(RpcCode.INVALID_ARGUMENT, 'bad proposed message')), write.stream);
        }
        write.size += proposed.data.length + proposed.metadata.length + Buffer.byteLength(proposed.type);
        write.events.push(proposed);
      }
      if (write.size > this.options.maxAppendSize) {
        pending.delete(correlation);
        const details = new sharedPb.MaximumAppendSizeExceeded().setMaxappendsize(this.options.maxAppendSize);
        return respond(
          (r) =>
            r.setError(
              rpcStatus(
                RpcCode.INVALID_ARGUMENT,
                'MaximumAppendSizeExceeded',
                packAny(details, 'event_store.client.MaximumAppendSizeExceeded'),
              ),
            ),
          write.stream,
        );
      }
      if (!req.getIsFinal()) return;
      pending.delete(correlation);
      const outcome = this.log.append(write.stream, write.expected, write.events);
      respond((r) => fillBatchResponse(r, outcome, write.expected), write.stream);
    });
    call.on('end', () => {
      if (!scope.closed) call.end();
    });
  }

  // ----- reads and subscriptions -----

  private async read(call: grpc.ServerWritableStream<ReadReq, ReadResp>): Promise<void> {
    this.counters.readCalls++;
    const scope = this.track(call as never);
    try {
      const options = call.request.getOptions();
      if (!options) throw invalid('options are required');
      const structured = !(options.getUuidOption()?.hasString() ?? false);
      const filter = options.hasFilter() ? parseFilter(options.getFilter()!) : undefined;
      const backwards = options.getReadDirection() === streamsPb.ReadReq.Options.ReadDirection.BACKWARDS;
      const count = options.hasCount() ? Math.min(Number(BigInt(options.getCount())), MAX_COUNT) : MAX_COUNT;

      if (options.hasSubscription()) {
        this.counters.subscriptions++;
        scope.subscription = true;
        await this.subscribe(scope, options, filter, structured);
      } else if (options.hasStream()) {
        await this.readStream(scope, options.getStream()!, backwards, count, structured);
      } else if (options.hasAll()) {
        await this.readAll(scope, options.getAll()!, backwards, count, filter, structured);
      } else {
        throw invalid('stream or all is required');
      }
      if (!scope.closed) call.end();
    } catch (error) {
      if (!scope.closed) call.emit('error', error);
    }
  }

  private async readStream(
    scope: CallScope,
    options: InstanceType<typeof streamsPb.ReadReq.Options.StreamOptions>,
    backwards: boolean,
    count: number,
    structured: boolean,
  ): Promise<void> {
    const name = streamName(options.getStreamIdentifier());
    if (name === undefined) throw invalid('stream_identifier is required');
    const events = this.log.streamEvents(name);
    if (!events || events.length === 0) {
      const notFound = new streamsPb.ReadResp.StreamNotFound().setStreamIdentifier(streamIdentifier(name));
      await scope.send(new streamsPb.ReadResp().setStreamNotFound(notFound));
      return;
    }
    const last = events.length - 1;
    let revision: number;
    if (options.hasStart()) revision = 0;
    else if (options.hasEnd()) revision = backwards ? last : last + 1;
    else {
      const requested = BigInt(options.getRevision());
      revision = requested > BigInt(last + 1) ? last + 1 : Number(requested);
    }
    if (backwards) revision = Math.min(revision, last);
    let sent = 0;
    while (sent < count && revision >= 0 && revision <= last) {
      if (!(await scope.send(eventResponse(events[revision]!, structured)))) return;
      sent++;
      revision += backwards ? -1 : 1;
    }
  }

  private async readAll(
    scope: CallScope,
    options: InstanceType<typeof streamsPb.ReadReq.Options.AllOptions>,
    backwards: boolean,
    count: number,
    filter: Filter | undefined,
    structured: boolean,
  ): Promise<void> {
    let from: TfPos | 'start' | 'end' = options.hasStart() ? 'start' : options.hasEnd() ? 'end' : readPosition(options);
    let sent = 0;
    const page = this.options.catchUpPage;
    while (sent < count && !scope.closed) {
      const batch = backwards ? this.log.readAllBackwards(from, page) : this.log.readAllForwards(from, page);
      if (batch.length === 0) return;
      for (const event of batch) {
        if (filter && !matches(filter, event)) continue;
        if (!(await scope.send(eventResponse(event, structured)))) return;
        if (++sent >= count) return;
      }
      const lastEvent = batch.at(-1)!;
      // Forwards is inclusive, so continue just after the last record; backwards is exclusive.
      from = backwards ? eventPos(lastEvent) : { commit: lastEvent.position + 1n, prepare: lastEvent.position + 1n };
      if (batch.length < page) return;
    }
  }

  private async subscribe(
    scope: CallScope,
    options: InstanceType<typeof streamsPb.ReadReq.Options>,
    filter: Filter | undefined,
    structured: boolean,
  ): Promise<void> {
    // Source: $all (positions) or one stream (revisions), as an ordered key per event.
    const all = options.hasAll();
    const stream = all ? undefined : streamName(options.getStream()?.getStreamIdentifier());
    if (!all && stream === undefined) throw invalid('stream_identifier is required');
    if (!all) filter = undefined; // EventStoreDB filters only $all subscriptions

    type Key = TfPos;
    const keyOf = (e: StoredEvent): Key => (all ? eventPos(e) : { commit: BigInt(e.revision), prepare: 0n });
    const belongs = (e: StoredEvent) => all || e.stream === stream;

    // Listen for new appends before reading history: nothing written meanwhile can be missed.
    const live: StoredEvent[] = [];
    let overflowed = false;
    let wake: (() => void) | undefined;
    const unlisten = this.log.listen((event) => {
      if (!belongs(event)) return;
      if (live.length >= this.options.maxLiveBuffer) overflowed = true;
      else live.push(event);
      wake?.();
    });

    try {
      let last: Key | undefined; // the last event handled: the subscription continues strictly after it
      if (all) {
        const allOptions = options.getAll()!;
        if (allOptions.hasEnd()) {
          const head = this.log.lastPosition;
          last = head === undefined ? undefined : { commit: head, prepare: head };
        } else if (allOptions.hasPosition()) last = readPosition(allOptions);
      } else {
        const streamOptions = options.getStream()!;
        if (streamOptions.hasEnd()) last = { commit: BigInt(this.log.currentRevision(stream!)), prepare: 0n };
        else if (streamOptions.hasRevision()) last = { commit: BigInt(streamOptions.getRevision()), prepare: 0n };
      }

      const confirmation = new streamsPb.ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID());
      if (!(await scope.send(new streamsPb.ReadResp().setConfirmation(confirmation)))) return;

      let considered = 0;
      let lastConsidered: StoredEvent | undefined;
      const deliver = async (event: StoredEvent): Promise<boolean> => {
        last = keyOf(event);
        lastConsidered = event;
        if (!filter || matches(filter, event)) {
          this.counters.subscriptionEventsSent++;
          if (!(await scope.send(eventResponse(event, structured)))) return false;
        }
        if (filter && ++considered >= filter.checkpointEvery) {
          considered = 0;
          const checkpoint = new streamsPb.ReadResp.Checkpoint()
            .setCommitPosition(lastConsidered.position.toString())
            .setPreparePosition(lastConsidered.position.toString());
          if (!(await scope.send(new streamsPb.ReadResp().setCheckpoint(checkpoint)))) return false;
        }
        return true;
      };

      for (;;) {
        // Catch-up: page through the log strictly after the last event handled.
        for (;;) {
          const page = all ? this.log.readAllAfter(last, this.options.catchUpPage) : this.streamAfter(stream!, last);
          if (page.length === 0) break;
          for (const event of page) if (!(await deliver(event))) return;
        }
        // Everything in the log is handled now, so live events dropped while catching up were
        // all sent by the catch-up itself.
        overflowed = false;
        if (!(await scope.send(new streamsPb.ReadResp().setCaughtUp(new streamsPb.ReadResp.CaughtUp())))) return;

        // Live: the buffered appends, skipping what the catch-up already sent.
        for (;;) {
          if (scope.closed) return;
          if (overflowed) {
            overflowed = false;
            live.length = 0;
            this.counters.fellBehind++;
            if (!(await scope.send(new streamsPb.ReadResp().setFellBehind(new streamsPb.ReadResp.FellBehind())))) return;
            break; // back to catch-up from the log
          }
          const event = live.shift();
          if (!event) {
            await scope.wait((w) => {
              wake = w;
              return () => {
                wake = undefined;
              };
            });
            continue;
          }
          if (last && compareTfPos(keyOf(event), last) <= 0) continue;
          if (!(await deliver(event))) return;
        }
      }
    } finally {
      unlisten();
    }
  }

  private streamAfter(stream: string, last: TfPos | undefined): StoredEvent[] {
    const events = this.log.streamEvents(stream) ?? [];
    const from = last ? Number(last.commit) + 1 : 0;
    return events.slice(from, from + this.options.catchUpPage);
  }
}

// ----- conversions -----

function jsonProposed(type: string, data: unknown): ProposedEvent {
  return {
    id: randomUUID(),
    type,
    contentType: 'application/json',
    data: Buffer.from(JSON.stringify(data), 'utf8'),
    metadata: new Uint8Array(0),
  };
}

type ProposedMessage =
  | InstanceType<typeof streamsPb.AppendReq.ProposedMessage>
  | InstanceType<typeof streamsPb.BatchAppendReq.ProposedMessage>;

function fromProposed(message: ProposedMessage): ProposedEvent | undefined {
  const id = uuidToString(message.getId());
  const metadata = message.getMetadataMap();
  const type = metadata.get('type');
  if (!id || !type) return undefined;
  return {
    id,
    type,
    contentType: metadata.get('content-type') ?? 'application/octet-stream',
    data: message.getData_asU8(),
    metadata: message.getCustomMetadata_asU8(),
  };
}

const recordedCache = new WeakMap<StoredEvent, GrpcRecordedEvent>();

function recorded(event: StoredEvent, structured: boolean): GrpcRecordedEvent {
  const cached = structured ? undefined : recordedCache.get(event);
  if (cached) return cached;
  const message = new streamsPb.ReadResp.ReadEvent.RecordedEvent()
    .setId(uuidMessage(event.id, structured))
    .setStreamIdentifier(streamIdentifier(event.stream))
    .setStreamRevision(String(event.revision))
    .setCommitPosition(event.position.toString())
    .setPreparePosition(event.position.toString())
    .setData(event.data)
    .setCustomMetadata(event.metadata);
  const map = message.getMetadataMap();
  map.set('type', event.type);
  map.set('content-type', event.contentType);
  map.set('created', event.created);
  if (!structured) recordedCache.set(event, message);
  return message;
}

function eventResponse(event: StoredEvent, structured: boolean): ReadResp {
  const readEvent = new streamsPb.ReadResp.ReadEvent()
    .setEvent(recorded(event, structured))
    .setCommitPosition(event.position.toString());
  return new streamsPb.ReadResp().setEvent(readEvent);
}

function readPosition(options: InstanceType<typeof streamsPb.ReadReq.Options.AllOptions>): TfPos {
  const position = options.getPosition();
  if (!position) throw invalid('position is required');
  return { commit: BigInt(position.getCommitPosition()), prepare: BigInt(position.getPreparePosition()) };
}

function parseFilter(options: InstanceType<typeof streamsPb.ReadReq.Options.FilterOptions>): Filter {
  const on = options.hasEventType() ? 'type' : 'stream';
  const expression = options.hasEventType() ? options.getEventType()! : options.getStreamIdentifier();
  const prefixes = expression?.getPrefixList() ?? [];
  const regex = expression?.getRegex();
  const window = options.hasMax() ? options.getMax() : 32;
  return {
    on,
    prefixes,
    regex: prefixes.length === 0 && regex ? new RegExp(regex) : undefined,
    checkpointEvery: Math.max(1, options.getCheckpointintervalmultiplier() || 1) * Math.max(1, window),
  };
}

function matches(filter: Filter, event: StoredEvent): boolean {
  const subject = filter.on === 'type' ? event.type : event.stream;
  if (filter.prefixes.length > 0) return filter.prefixes.some((p) => subject.startsWith(p));
  return filter.regex ? filter.regex.test(subject) : true;
}

function rpcStatus(code: number, message: string, details?: ReturnType<typeof packAny>) {
  const status = new statusPb.Status().setCode(code as never).setMessage(message);
  if (details) status.setDetails(details);
  return status;
}

function wrongExpectedVersionDetails(current: number, expected: ExpectedVersion) {
  const details = new sharedPb.WrongExpectedVersion();
  if (current === -1) details.setCurrentNoStream(new emptyMessage());
  else details.setCurrentStreamRevision(String(current));
  if (expected === ANY) details.setExpectedAny(new emptyMessage());
  else if (expected === NO_STREAM) details.setExpectedNoStream(new emptyMessage());
  else if (expected === STREAM_EXISTS) details.setExpectedStreamExists(new emptyMessage());
  else details.setExpectedStreamPosition(expected.toString());
  return details;
}

// google.protobuf.Empty, which shared.WrongExpectedVersion and BatchAppendResp use.
const emptyMessage = emptyPb.Empty;

function fillBatchResponse(resp: BatchAppendResp, outcome: AppendOutcome, expected: ExpectedVersion): void {
  if (outcome.ok) {
    const position = new sharedPb.AllStreamPosition()
      .setCommitPosition(outcome.position.toString())
      .setPreparePosition(outcome.position.toString());
    const success = new streamsPb.BatchAppendResp.Success().setPosition(position);
    if (outcome.revision === -1) success.setNoStream(new emptyMessage());
    else success.setCurrentRevision(String(outcome.revision));
    resp.setSuccess(success);
    return;
  }
  const details = wrongExpectedVersionDetails(outcome.current, expected);
  resp.setError(
    rpcStatus(RpcCode.ALREADY_EXISTS, 'WrongExpectedVersion', packAny(details, 'event_store.client.WrongExpectedVersion')),
  );
}

function appendResponse(outcome: AppendOutcome, expected: ExpectedVersion): AppendResp {
  const resp = new streamsPb.AppendResp();
  if (outcome.ok) {
    const success = new streamsPb.AppendResp.Success();
    if (outcome.revision === -1) success.setNoStream(new sharedPb.Empty());
    else success.setCurrentRevision(String(outcome.revision));
    success.setPosition(
      new streamsPb.AppendResp.Position()
        .setCommitPosition(outcome.position.toString())
        .setPreparePosition(outcome.position.toString()),
    );
    return resp.setSuccess(success);
  }
  // Both the current fields and the deprecated 20.6.0 ones, as EventStoreDB fills them.
  const wrong = new streamsPb.AppendResp.WrongExpectedVersion();
  if (outcome.current === -1) {
    wrong.setCurrentNoStream(new sharedPb.Empty());
    wrong.setNoStream2060(new sharedPb.Empty());
  } else {
    wrong.setCurrentRevision(String(outcome.current));
    wrong.setCurrentRevision2060(outcome.current);
  }
  if (expected === ANY) {
    wrong.setExpectedAny(new sharedPb.Empty());
    wrong.setAny2060(new sharedPb.Empty());
  } else if (expected === NO_STREAM) {
    wrong.setExpectedNoStream(new sharedPb.Empty());
  } else if (expected === STREAM_EXISTS) {
    wrong.setExpectedStreamExists(new sharedPb.Empty());
    wrong.setStreamExists2060(new sharedPb.Empty());
  } else {
    wrong.setExpectedRevision(expected.toString());
    wrong.setExpectedRevision2060(Number(expected));
  }
  return resp.setWrongExpectedVersion(wrong);
}

function invalid(details: string): Partial<grpc.ServiceError> {
  return { code: grpc.status.INVALID_ARGUMENT, details };
}
