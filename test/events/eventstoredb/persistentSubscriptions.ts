// The test server's PersistentSubscriptions service: subscription groups on $all or on one stream,
// held in memory beside the log, served as @eventstore/db-client 6.x calls them (checked against its
// dist/persistentSubscription/*.js):
//
// - Create / Update / Delete. To $all the client sends `options.all` with start / end / position
//   and a filter (event type or stream name, regex or prefixes) or `no_filter`; to a stream it sends
//   the deprecated `options.stream_identifier` and the start as the deprecated `settings.revision`
//   (0 = start, 2^64−1 = end); `options.stream` with its own revision option is read as well. A
//   start position or revision is inclusive (unlike a catch-up subscription's). Settings kept:
//   max_retry_count, message_timeout (ms or ticks), max_subscriber_count (0 = unbounded), the
//   consumer strategy (RoundRobin, DispatchToSingle, Pinned by stream name). An existing group on
//   Create answers the `exception` trailer `persistent-subscription-exists`; a missing one on
//   Update, Delete, Read or ReplayParked `persistent-subscription-does-not-exist` (NOT_FOUND).
// - Read: the bidirectional call. The first request names the group and the buffer size (the
//   consumer's in-flight limit); the server answers `subscription_confirmation` (id
//   `<source>::<group>`), then `event` messages with `retry_count`. Later requests carry `ack` or
//   `nack` with the event ids (UUID in string form, `event.link?.id ?? event.event.id`) and, for a
//   nack, an action: park, retry, skip (stop is taken as retry and ends that consumer's call).
// - Retries as EventStoreDB counts them: a message is delivered with retry count 0, 1, …; a nack
//   `retry`, a message timeout, or its consumer going away puts it back with the count + 1, unless
//   the count had reached max_retry_count: then it is parked. Retried messages go out before new
//   ones. ReplayParked puts parked messages back (all, or `stop_at` of them), count 0.
// - Groups outlive kill()/restart() (EventStoreDB keeps them, and their checkpoints, in its log):
//   what was in flight on the dropped calls is retried. The parked messages are kept in memory only
//   (EventStoreDB writes them as links to `$persistentsubscription-<source>::<group>-parked`).
// GetInfo answers the settings and the counts (parked, in flight, retrying, per connection); List
// is not served: the back office never calls it.
import * as grpc from '@grpc/grpc-js';
import type { MemoryLog, StoredEvent } from './memoryLog';
import { persistentPb, sharedPb, streamIdentifier, streamName, uuidToString } from './wire';

type PReadReq = InstanceType<typeof persistentPb.ReadReq>;
type PReadResp = InstanceType<typeof persistentPb.ReadResp>;
type Strategy = 'RoundRobin' | 'DispatchToSingle' | 'Pinned';

export interface GroupSettings {
  maxRetryCount: number;
  messageTimeoutMs: number;
  /** 0: unbounded. */
  maxSubscriberCount: number;
  strategy: Strategy;
}

interface Filter {
  on: 'type' | 'stream';
  prefixes: string[];
  regex: RegExp | undefined;
}

interface Message {
  event: StoredEvent;
  retryCount: number;
}

interface Consumer {
  call: grpc.ServerDuplexStream<PReadReq, PReadResp>;
  bufferSize: number;
  inFlight: number;
  closed: boolean;
}

interface InFlight {
  message: Message;
  consumer: Consumer;
  deadline: number;
}

/** What a test may look at. */
export interface GroupView {
  inFlight: number;
  parked: number;
  consumers: number;
  /** Messages waiting to be delivered again. */
  retrying: number;
}

const END_REVISION = 18446744073709551615n;
const TICKS_PER_MS = 10_000;

class Group {
  settings: GroupSettings;
  readonly consumers: Consumer[] = [];
  readonly retry: Message[] = [];
  readonly inFlight = new Map<string, InFlight>();
  readonly parked: Message[] = [];
  private turn = 0;
  /** $all: index into log.events of the next event to read; a stream: the next revision. */
  private next: number;

  constructor(
    readonly source: string,
    readonly name: string,
    private readonly log: MemoryLog,
    settings: GroupSettings,
    start: { kind: 'start' } | { kind: 'end' } | { kind: 'position'; position: bigint } | { kind: 'revision'; revision: bigint },
    private readonly filter: Filter | undefined,
  ) {
    this.settings = settings;
    if (source === '$all') {
      if (start.kind === 'end') this.next = log.events.length;
      else if (start.kind === 'position') this.next = log.events.findIndex((e) => e.position >= start.position);
      else this.next = 0;
      if (this.next < 0) this.next = log.events.length;
    } else {
      const current = log.currentRevision(source);
      if (start.kind === 'end' || (start.kind === 'revision' && start.revision === END_REVISION)) this.next = current + 1;
      else if (start.kind === 'revision') this.next = Number(start.revision);
      else this.next = 0;
    }
  }

  get id(): string {
    return `${this.source}::${this.name}`;
  }

  view(): GroupView {
    return { inFlight: this.inFlight.size, parked: this.parked.length, consumers: this.consumers.length, retrying: this.retry.length };
  }

  /** Hands out messages while some consumer has room: retries first, then the log in order. */
  pump(): void {
    for (;;) {
      const ready = this.consumers.filter((c) => !c.closed && c.inFlight < c.bufferSize);
      if (ready.length === 0) return;
      const message = this.retry.shift() ?? this.readNext();
      if (!message) return;
      const consumer = this.choose(message);
      if (!consumer) {
        this.retry.unshift(message); // pinned to a consumer with no room now
        return;
      }
      consumer.inFlight++;
      this.inFlight.set(message.event.id, { message, consumer, deadline: Date.now() + this.settings.messageTimeoutMs });
      consumer.call.write(eventResponse(message));
    }
  }

  private choose(message: Message): Consumer | undefined {
    const live = this.consumers.filter((c) => !c.closed);
    const hasRoom = (c: Consumer) => c.inFlight < c.bufferSize;
    switch (this.settings.strategy) {
      case 'DispatchToSingle':
        return live.find(hasRoom);
      case 'Pinned': {
        const pinned = live[hashOf(message.event.stream) % live.length];
        return pinned && hasRoom(pinned) ? pinned : undefined;
      }
      case 'RoundRobin':
        for (let i = 0; i < live.length; i++) {
          const consumer = live[(this.turn + i) % live.length]!;
          if (hasRoom(consumer)) {
            this.turn = (this.turn + i + 1) % live.length;
            return consumer;
          }
        }
        return undefined;
    }
  }

  private readNext(): Message | undefined {
    if (this.source === '$all') {
      while (this.next < this.log.events.length) {
        const event = this.log.events[this.next++]!;
        if (!this.filter || matches(this.filter, event)) return { event, retryCount: 0 };
      }
      return undefined;
    }
    const event = this.log.streamEvents(this.source)?.[this.next];
    if (!event) return undefined;
    this.next++;
    return { event, retryCount: 0 };
  }

  ack(ids: string[]): void {
    for (const id of ids) this.settle(id);
  }

  nack(ids: string[], action: 'park' | 'retry' | 'skip'): void {
    for (const id of ids) {
      const message = this.settle(id);
      if (!message || action === 'skip') continue;
      if (action === 'park') this.parked.push(message);
      else this.again(message);
    }
  }

  /** Puts a message back for another delivery, or parks it once its retries are spent. */
  again(message: Message): void {
    if (message.retryCount >= this.settings.maxRetryCount) this.parked.push(message);
    else this.retry.push({ event: message.event, retryCount: message.retryCount + 1 });
  }

  private settle(id: string): Message | undefined {
    const entry = this.inFlight.get(id);
    if (!entry) return undefined;
    this.inFlight.delete(id);
    entry.consumer.inFlight--;
    return entry.message;
  }

  /** A consumer went away: what it held is delivered again. */
  drop(consumer: Consumer): void {
    consumer.closed = true;
    const index = this.consumers.indexOf(consumer);
    if (index >= 0) this.consumers.splice(index, 1);
    for (const [id, entry] of [...this.inFlight]) {
      if (entry.consumer !== consumer) continue;
      this.inFlight.delete(id);
      this.again(entry.message);
    }
  }

  expire(now: number): void {
    for (const [id, entry] of [...this.inFlight]) {
      if (entry.deadline > now) continue;
      this.settle(id);
      this.again(entry.message);
    }
  }

  /** GetInfo's answer: the settings and counts the client reads (no rates: nothing measures them). */
  info(): InstanceType<typeof persistentPb.SubscriptionInfo> {
    return new persistentPb.SubscriptionInfo()
      .setEventSource(this.source)
      .setGroupName(this.name)
      .setStatus('Live')
      .setMaxRetryCount(this.settings.maxRetryCount)
      .setMessageTimeoutMilliseconds(this.settings.messageTimeoutMs)
      .setMaxSubscriberCount(this.settings.maxSubscriberCount)
      .setNamedConsumerStrategy(this.settings.strategy)
      .setRetryBufferCount(this.retry.length)
      .setTotalInFlightMessages(this.inFlight.size)
      .setParkedMessageCount(String(this.parked.length))
      .setConnectionsList(
        this.consumers.map((c) => new persistentPb.SubscriptionInfo.ConnectionInfo().setInFlightMessages(c.inFlight).setAvailableSlots(Math.max(0, c.bufferSize - c.inFlight))),
      );
  }

  replayParked(stopAt: number | undefined): void {
    const replayed = this.parked.splice(0, stopAt ?? this.parked.length);
    for (const message of replayed) this.retry.push({ event: message.event, retryCount: 0 });
  }
}

export class PersistentSubscriptionGroups {
  private readonly groups = new Map<string, Group>();
  private timer: NodeJS.Timeout | undefined;
  private unlisten: (() => void) | undefined;

  constructor(private readonly log: MemoryLog) {}

  /** The group's counts, for tests; undefined when there is no such group. */
  view(source: string, group: string): GroupView | undefined {
    return this.groups.get(`${source}::${group}`)?.view();
  }

  /** Every group's counts by its id (`<source>::<group>`), for a harness's report of what is held where. */
  views(): Record<string, GroupView> {
    return Object.fromEntries([...this.groups.values()].map((g) => [g.id, g.view()]));
  }

  /** Starts listening to the log and checking message timeouts. */
  open(): void {
    this.unlisten ??= this.log.listen(() => queueMicrotask(() => this.pumpAll()));
    this.timer ??= setInterval(() => {
      const now = Date.now();
      for (const group of this.groups.values()) {
        group.expire(now);
        group.pump();
      }
    }, 100);
    this.timer.unref();
  }

  /** Stops listening and checking for good (the server is stopped, not only killed). */
  dispose(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.unlisten?.();
    this.unlisten = undefined;
  }

  /**
   * The server is killed: the consumers' calls end with UNAVAILABLE and what they held is put back
   * for retry. (The timer and the log listener go on: stopping and starting the timer here made a
   * killed-and-restarted catch-up subscription miss its reconnection in the adapter's tests.)
   */
  close(): void {
    for (const group of this.groups.values()) {
      for (const consumer of [...group.consumers]) {
        group.drop(consumer);
        try {
          consumer.call.emit('error', { code: grpc.status.UNAVAILABLE, details: 'Server is shutting down' });
        } catch {
          // the call is already gone
        }
      }
    }
  }

  service(): grpc.UntypedServiceImplementation {
    return {
      create: (call: grpc.ServerUnaryCall<InstanceType<typeof persistentPb.CreateReq>, unknown>, callback: grpc.sendUnaryData<unknown>) =>
        answer(callback, () => {
          this.create(call.request);
          return new persistentPb.CreateResp();
        }),
      update: (call: grpc.ServerUnaryCall<InstanceType<typeof persistentPb.UpdateReq>, unknown>, callback: grpc.sendUnaryData<unknown>) =>
        answer(callback, () => {
          this.update(call.request);
          return new persistentPb.UpdateResp();
        }),
      delete: (call: grpc.ServerUnaryCall<InstanceType<typeof persistentPb.DeleteReq>, unknown>, callback: grpc.sendUnaryData<unknown>) =>
        answer(callback, () => {
          const options = call.request.getOptions()!;
          const group = this.find(sourceOf(options), options.getGroupName());
          this.groups.delete(group.id);
          for (const consumer of [...group.consumers]) {
            group.drop(consumer);
            consumer.call.emit('error', failure(grpc.status.UNAVAILABLE, 'persistent-subscription-dropped', group, 'the group was deleted'));
          }
          return new persistentPb.DeleteResp();
        }),
      replayParked: (
        call: grpc.ServerUnaryCall<InstanceType<typeof persistentPb.ReplayParkedReq>, unknown>,
        callback: grpc.sendUnaryData<unknown>,
      ) =>
        answer(callback, () => {
          const options = call.request.getOptions()!;
          const group = this.find(sourceOf(options), options.getGroupName());
          group.replayParked(options.hasStopAt() ? Number(options.getStopAt()) : undefined);
          group.pump();
          return new persistentPb.ReplayParkedResp();
        }),
      getInfo: (call: grpc.ServerUnaryCall<InstanceType<typeof persistentPb.GetInfoReq>, unknown>, callback: grpc.sendUnaryData<unknown>) =>
        answer(callback, () => {
          const options = call.request.getOptions()!;
          const group = this.find(sourceOf(options), options.getGroupName());
          return new persistentPb.GetInfoResp().setSubscriptionInfo(group.info());
        }),
      read: (call: grpc.ServerDuplexStream<PReadReq, PReadResp>) => this.read(call),
    };
  }

  private pumpAll(): void {
    for (const group of this.groups.values()) group.pump();
  }

  private find(source: string, name: string): Group {
    const group = this.groups.get(`${source}::${name}`);
    if (!group) throw failure(grpc.status.NOT_FOUND, 'persistent-subscription-does-not-exist', { source, name }, 'no such group');
    return group;
  }

  private create(request: InstanceType<typeof persistentPb.CreateReq>): void {
    const options = request.getOptions();
    if (!options) throw invalid('options are required');
    const settings = settingsOf(options.getSettings());
    const name = options.getGroupName();
    let source: string;
    let start: ConstructorParameters<typeof Group>[4];
    let filter: Filter | undefined;
    if (options.hasAll()) {
      source = '$all';
      const all = options.getAll()!;
      if (all.hasPosition()) start = { kind: 'position', position: BigInt(all.getPosition()!.getCommitPosition()) };
      else start = all.hasEnd() ? { kind: 'end' } : { kind: 'start' };
      if (all.hasFilter()) {
        const f = all.getFilter()!;
        const on = f.hasEventType() ? 'type' : 'stream';
        const expression = f.hasEventType() ? f.getEventType()! : f.getStreamIdentifier()!;
        const prefixes = expression.getPrefixList();
        filter = { on, prefixes, regex: prefixes.length === 0 && expression.getRegex() ? new RegExp(expression.getRegex()) : undefined };
      }
    } else {
      const stream = options.hasStream() ? options.getStream()! : undefined;
      const name_ = streamName(stream ? stream.getStreamIdentifier() : options.getStreamIdentifier());
      if (name_ === undefined) throw invalid('stream_identifier is required');
      source = name_;
      if (stream?.hasStart()) start = { kind: 'start' };
      else if (stream?.hasEnd()) start = { kind: 'end' };
      else if (stream?.hasRevision()) start = { kind: 'revision', revision: BigInt(stream.getRevision()) };
      else start = { kind: 'revision', revision: BigInt(options.getSettings()?.getRevision() ?? '0') };
    }
    if (this.groups.has(`${source}::${name}`)) {
      throw failure(grpc.status.ALREADY_EXISTS, 'persistent-subscription-exists', { source, name }, 'the group exists');
    }
    const group = new Group(source, name, this.log, settings, start, filter);
    this.groups.set(group.id, group);
  }

  private update(request: InstanceType<typeof persistentPb.UpdateReq>): void {
    const options = request.getOptions();
    if (!options) throw invalid('options are required');
    let source = '$all';
    if (!options.hasAll()) {
      const name = streamName(options.hasStream() ? options.getStream()!.getStreamIdentifier() : options.getStreamIdentifier());
      if (name === undefined) throw invalid('stream_identifier is required');
      source = name;
    }
    const group = this.find(source, options.getGroupName());
    // The start is not moved: EventStoreDB goes on from the group's checkpoint.
    group.settings = settingsOf(options.getSettings());
    group.pump();
  }

  private read(call: grpc.ServerDuplexStream<PReadReq, PReadResp>): void {
    let group: Group | undefined;
    let consumer: Consumer | undefined;
    const leave = () => {
      if (group && consumer && !consumer.closed) {
        group.drop(consumer);
        group.pump();
      }
    };
    call.on('cancelled', leave);
    call.on('close', leave);
    call.on('error', leave);
    call.on('end', () => {
      leave();
      call.end();
    });
    call.on('data', (request: PReadReq) => {
      try {
        if (request.hasOptions()) {
          if (group) return;
          const options = request.getOptions()!;
          const source = options.hasAll() ? '$all' : streamName(options.getStreamIdentifier());
          if (source === undefined) throw invalid('stream_identifier is required');
          const found = this.find(source, options.getGroupName());
          const max = found.settings.maxSubscriberCount;
          if (max > 0 && found.consumers.length >= max) {
            throw failure(grpc.status.FAILED_PRECONDITION, 'maximum-subscribers-reached', found, 'maximum subscribers reached');
          }
          group = found;
          consumer = { call, bufferSize: Math.max(1, options.getBufferSize()), inFlight: 0, closed: false };
          found.consumers.push(consumer);
          const confirmation = new persistentPb.ReadResp.SubscriptionConfirmation().setSubscriptionId(found.id);
          call.write(new persistentPb.ReadResp().setSubscriptionConfirmation(confirmation));
          found.pump();
          return;
        }
        if (!group || !consumer) throw invalid('options must come first');
        if (request.hasAck()) {
          group.ack(idsOf(request.getAck()!.getIdsList()));
        } else if (request.hasNack()) {
          const nack = request.getNack()!;
          const ids = idsOf(nack.getIdsList());
          const Action = persistentPb.ReadReq.Nack.Action;
          const action = nack.getAction();
          group.nack(ids, action === Action.PARK ? 'park' : action === Action.SKIP ? 'skip' : 'retry');
          if (action === Action.STOP) {
            leave();
            call.end();
            return;
          }
        }
        group.pump();
      } catch (error) {
        leave();
        call.emit('error', error);
      }
    });
  }
}

// ----- conversions -----

function settingsOf(
  settings: InstanceType<typeof persistentPb.CreateReq.Settings> | InstanceType<typeof persistentPb.UpdateReq.Settings> | undefined,
): GroupSettings {
  if (!settings) throw invalid('settings are required');
  const Strategy = persistentPb.CreateReq.ConsumerStrategy;
  const named = settings.getNamedConsumerStrategy();
  const byName = (settings as { getConsumerStrategy?: () => string }).getConsumerStrategy?.() ?? '';
  let strategy: Strategy = named === Strategy.DISPATCHTOSINGLE ? 'DispatchToSingle' : named === Strategy.PINNED ? 'Pinned' : 'RoundRobin';
  if (byName === 'DispatchToSingle' || byName === 'Pinned' || byName === 'RoundRobin') strategy = byName;
  const timeout = settings.hasMessageTimeoutMs()
    ? settings.getMessageTimeoutMs()
    : settings.hasMessageTimeoutTicks()
      ? Number(BigInt(settings.getMessageTimeoutTicks()) / BigInt(TICKS_PER_MS))
      : 30_000;
  return {
    maxRetryCount: settings.getMaxRetryCount(),
    messageTimeoutMs: timeout > 0 ? timeout : 30_000,
    maxSubscriberCount: settings.getMaxSubscriberCount(),
    strategy,
  };
}

function sourceOf(options: { hasAll(): boolean; getStreamIdentifier(): InstanceType<typeof sharedPb.StreamIdentifier> | undefined }): string {
  if (options.hasAll()) return '$all';
  const name = streamName(options.getStreamIdentifier());
  if (name === undefined) throw invalid('stream_identifier is required');
  return name;
}

function idsOf(uuids: Array<InstanceType<typeof sharedPb.UUID>>): string[] {
  return uuids.map((u) => uuidToString(u)).filter((id): id is string => id !== undefined);
}

function matches(filter: Filter, event: StoredEvent): boolean {
  const subject = filter.on === 'type' ? event.type : event.stream;
  if (filter.prefixes.length > 0) return filter.prefixes.some((p) => subject.startsWith(p));
  return filter.regex ? filter.regex.test(subject) : true;
}

function hashOf(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (hash * 31 + text.charCodeAt(i)) >>> 0;
  return hash;
}

function eventResponse({ event, retryCount }: Message): PReadResp {
  const recorded = new persistentPb.ReadResp.ReadEvent.RecordedEvent()
    .setId(new sharedPb.UUID().setString(event.id))
    .setStreamIdentifier(streamIdentifier(event.stream))
    .setStreamRevision(String(event.revision))
    .setCommitPosition(event.position.toString())
    .setPreparePosition(event.position.toString())
    .setData(event.data)
    .setCustomMetadata(event.metadata);
  const map = recorded.getMetadataMap();
  map.set('type', event.type);
  map.set('content-type', event.contentType);
  map.set('created', event.created);
  const read = new persistentPb.ReadResp.ReadEvent()
    .setEvent(recorded)
    .setCommitPosition(event.position.toString())
    .setRetryCount(retryCount);
  return new persistentPb.ReadResp().setEvent(read);
}

function failure(code: grpc.status, exception: string, group: { source: string; name: string }, details: string): Partial<grpc.ServiceError> {
  const metadata = new grpc.Metadata();
  metadata.set('exception', exception);
  metadata.set('stream-name', group.source);
  metadata.set('group-name', group.name);
  return { code, details, metadata };
}

function invalid(details: string): Partial<grpc.ServiceError> {
  return { code: grpc.status.INVALID_ARGUMENT, details };
}

function answer(callback: grpc.sendUnaryData<unknown>, handle: () => unknown): void {
  try {
    callback(null, handle());
  } catch (error) {
    callback(error as grpc.ServiceError, null);
  }
}
