/**
 * Terraform values as they cross the plugin protocol.
 *
 * The host encodes every value with msgpack (cty's encoding): objects are
 * maps, lists are arrays, null is nil, and an extension value of any type
 * means "unknown until apply". JSON DynamicValues (and raw state) carry no
 * unknowns. In TypeScript an unknown is the singleton `UNKNOWN`.
 */
import { Srv6ProtectError } from "../../model/errors";
import { decode, encode, ExtData } from "@msgpack/msgpack";

/** The marker of a value that is not known until apply. */
export class UnknownValue {
  static readonly instance = new UnknownValue();
  private constructor() {}
  toJSON(): string {
    return "(known after apply)";
  }
}
export const UNKNOWN = UnknownValue.instance;

export type TfValue = null | UnknownValue | string | number | boolean | TfValue[] | TfObject;
export interface TfObject {
  [attribute: string]: TfValue;
}

export function isUnknown(value: unknown): value is UnknownValue {
  return value === UNKNOWN;
}

/** True when the value or anything inside it is unknown. */
export function containsUnknown(value: TfValue): boolean {
  if (isUnknown(value)) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

/** cty writes an unknown as fixext1 of type 0 with a zero byte. */
const UNKNOWN_EXT = new ExtData(0, new Uint8Array([0]));

/** Bytes of a msgpack nil: how a null object (no resource) is sent. */
const MSGPACK_NIL = new Uint8Array([0xc0]);

export class ValueDecodeError extends Srv6ProtectError {
  override readonly name = "ValueDecodeError";
  override readonly kind = "value-decode";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The wire form of a DynamicValue (proto-loader gives Buffers for bytes). */
export interface DynamicValueMessage {
  msgpack?: Uint8Array | null;
  json?: Uint8Array | null;
}

/** Decodes a DynamicValue; an absent or empty one is null. */
export function decodeDynamicValue(dv: DynamicValueMessage | null | undefined): TfValue {
  if (!dv) return null;
  if (dv.msgpack && dv.msgpack.length > 0) return decodeMsgpack(dv.msgpack);
  if (dv.json && dv.json.length > 0) return decodeJson(dv.json);
  return null;
}

export function decodeMsgpack(bytes: Uint8Array): TfValue {
  let raw: unknown;
  try {
    raw = decode(bytes);
  } catch (err) {
    throw new ValueDecodeError(`cannot decode msgpack value: ${(err as Error).message}`, { cause: err });
  }
  return fromDecoded(raw);
}

export function decodeJson(bytes: Uint8Array): TfValue {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch (err) {
    throw new ValueDecodeError(`cannot decode JSON value: ${(err as Error).message}`, { cause: err });
  }
  return fromDecoded(raw);
}

function fromDecoded(raw: unknown): TfValue {
  if (raw === null || raw === undefined) return null;
  // Any extension (cty uses type 0, refined unknowns use type 12; the
  // library turns type -1 into a Date) is an unknown.
  if (raw instanceof ExtData || raw instanceof Date) return UNKNOWN;
  if (typeof raw === "string" || typeof raw === "number" || typeof raw === "boolean") return raw;
  if (typeof raw === "bigint") return Number(raw);
  if (Array.isArray(raw)) return raw.map(fromDecoded);
  if (raw instanceof Uint8Array) throw new ValueDecodeError("unexpected binary value in a DynamicValue");
  if (typeof raw === "object") {
    const out: TfObject = {};
    for (const [k, v] of Object.entries(raw as Record<string, unknown>)) out[k] = fromDecoded(v);
    return out;
  }
  throw new ValueDecodeError(`unexpected value of type ${typeof raw} in a DynamicValue`);
}

/** Encodes a value (already shaped to its schema type) as a msgpack DynamicValue. */
export function encodeDynamicValue(value: TfValue): { msgpack: Uint8Array } {
  if (value === null) return { msgpack: MSGPACK_NIL };
  return { msgpack: encode(toEncodable(value)) };
}

function toEncodable(value: TfValue): unknown {
  if (isUnknown(value)) return UNKNOWN_EXT;
  if (Array.isArray(value)) return value.map(toEncodable);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toEncodable(v);
    return out;
  }
  return value;
}
