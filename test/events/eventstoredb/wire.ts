// The protobuf messages and gRPC service definitions that @eventstore/db-client ships in its
// `generated/` folder, loaded by the very paths the client itself requires them by: the generated
// serializers check `instanceof`, so the server must build its replies from the same classes.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export type StreamsPb = typeof import('@eventstore/db-client/generated/streams_pb');
export type SharedPb = typeof import('@eventstore/db-client/generated/shared_pb');
export type StatusPb = typeof import('@eventstore/db-client/generated/status_pb');
export type ServerFeaturesPb = typeof import('@eventstore/db-client/generated/serverfeatures_pb');
type StreamsGrpc = typeof import('@eventstore/db-client/generated/streams_grpc_pb');
type ServerFeaturesGrpc = typeof import('@eventstore/db-client/generated/serverfeatures_grpc_pb');
export type PersistentPb = typeof import('@eventstore/db-client/generated/persistent_pb');
type PersistentGrpc = typeof import('@eventstore/db-client/generated/persistent_grpc_pb');
type AnyPb = typeof import('google-protobuf/google/protobuf/any_pb');
type EmptyPb = typeof import('google-protobuf/google/protobuf/empty_pb');

export const streamsPb = require('@eventstore/db-client/generated/streams_pb') as StreamsPb;
export const sharedPb = require('@eventstore/db-client/generated/shared_pb') as SharedPb;
export const statusPb = require('@eventstore/db-client/generated/status_pb') as StatusPb;
export const serverFeaturesPb = require('@eventstore/db-client/generated/serverfeatures_pb') as ServerFeaturesPb;
export const streamsGrpc = require('@eventstore/db-client/generated/streams_grpc_pb') as StreamsGrpc;
export const serverFeaturesGrpc = require('@eventstore/db-client/generated/serverfeatures_grpc_pb') as ServerFeaturesGrpc;
export const persistentPb = require('@eventstore/db-client/generated/persistent_pb') as PersistentPb;
export const persistentGrpc = require('@eventstore/db-client/generated/persistent_grpc_pb') as PersistentGrpc;
// google-protobuf is resolved from the client's own location, so both share one copy.
const clientRequire = createRequire(require.resolve('@eventstore/db-client/generated/streams_pb'));
export const anyPb = clientRequire('google-protobuf/google/protobuf/any_pb') as AnyPb;
export const emptyPb = clientRequire('google-protobuf/google/protobuf/empty_pb') as EmptyPb;

export type ReadReq = InstanceType<StreamsPb['ReadReq']>;
export type ReadResp = InstanceType<StreamsPb['ReadResp']>;
export type AppendReq = InstanceType<StreamsPb['AppendReq']>;
export type AppendResp = InstanceType<StreamsPb['AppendResp']>;
export type BatchAppendReq = InstanceType<StreamsPb['BatchAppendReq']>;
export type BatchAppendResp = InstanceType<StreamsPb['BatchAppendResp']>;
export type GrpcRecordedEvent = InstanceType<StreamsPb['ReadResp']['ReadEvent']['RecordedEvent']>;
export type Uuid = InstanceType<SharedPb['UUID']>;
export type StreamIdentifier = InstanceType<SharedPb['StreamIdentifier']>;

/** google.rpc.Code values used in BatchAppendResp.error (from code.proto). */
export const RpcCode = {
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  UNKNOWN: 2,
} as const;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID message (string or structured form) as its canonical lower-case string. */
export function uuidToString(uuid: Uuid | undefined): string | undefined {
  if (!uuid) return undefined;
  if (uuid.hasStructured()) {
    const s = uuid.getStructured()!;
    const msb = BigInt.asUintN(64, BigInt(s.getMostSignificantBits()));
    const lsb = BigInt.asUintN(64, BigInt(s.getLeastSignificantBits()));
    const hex = msb.toString(16).padStart(16, '0') + lsb.toString(16).padStart(16, '0');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  const text = uuid.getString();
  return UUID_RE.test(text) ? text.toLowerCase() : undefined;
}

export function uuidMessage(id: string, structured: boolean): Uuid {
  const uuid = new sharedPb.UUID();
  if (!structured) return uuid.setString(id);
  const hex = id.replace(/-/g, '');
  const s = new sharedPb.UUID.Structured();
  s.setMostSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(0, 16)}`)).toString());
  s.setLeastSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(16)}`)).toString());
  return uuid.setStructured(s);
}

export function streamIdentifier(name: string): StreamIdentifier {
  return new sharedPb.StreamIdentifier().setStreamName(Buffer.from(name, 'utf8'));
}

export function streamName(identifier: StreamIdentifier | undefined): string | undefined {
  if (!identifier) return undefined;
  return Buffer.from(identifier.getStreamName_asU8()).toString('utf8');
}

/** Packs a message into google.protobuf.Any the way the .NET server does (type.googleapis.com/…). */
export function packAny(message: { serializeBinary(): Uint8Array }, typeName: string) {
  const any = new anyPb.Any();
  any.pack(message.serializeBinary(), typeName);
  return any;
}
