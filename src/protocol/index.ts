// Public surface of src/protocol: the only part of the harness the reference broker may import.
export { type CheckContext, checkInbound, type Finding } from './checker.ts';
export {
  DecodeError,
  Decoder,
  type DecoderHandlers,
  type DecoderOptions,
  encode,
  encodePublishTemplate,
  MAX_REMAINING_LENGTH,
  type Packet,
  type ProtocolVersion,
  type PublishTemplate,
  type PublishTemplateInput,
} from './codec.ts';
export * from './constants.ts';
export { type Mutation, MutationError, mutate, mutateBytes, propertyId } from './mutate.ts';
export {
  newPublishFields,
  PublishFault,
  type PublishFields,
  readPublishFields,
} from './publish-fields.ts';
export { bytesToHex, HexSyntaxError, hexToBytes } from './raw.ts';
export {
  parseSharedSubscription,
  type SharedSubscription,
  type TopicOptions,
  type TopicProblem,
  topicMatches,
  validateTopicFilter,
  validateTopicName,
} from './topics.ts';
export { checkStringMust, checkUtf8, describeUtf8Issue, isValidMqttUtf8, type Utf8Issue } from './utf8.ts';
export { encodeVbi } from './vbi.ts';
export { findField, scanPacket, type WireField, type WireLayout, type WireProperty } from './wire.ts';
