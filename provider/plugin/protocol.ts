/**
 * Loads our .proto files (provider/plugin/proto) at run time with
 * @grpc/proto-loader. The files are not compiled into dist/, so they are
 * found relative to the repository root.
 */
import { Srv6ProtectError } from "../../model/errors";
import * as fs from "node:fs";
import * as path from "node:path";
import type * as grpc from "@grpc/grpc-js";

export const PROTO_FILES = ["tfplugin6.proto", "go-plugin.proto", "health.proto"] as const;

export class ProtoNotFoundError extends Srv6ProtectError {
  override readonly name = "ProtoNotFoundError";
  override readonly kind = "proto-not-found";
}

/** provider/plugin/proto from either the sources (ts-node) or dist/provider/plugin. */
export function protoDir(): string {
  const candidates = [path.resolve(__dirname, "proto"), path.resolve(__dirname, "../../../provider/plugin/proto")];
  for (const dir of candidates) if (fs.existsSync(path.join(dir, PROTO_FILES[0]))) return dir;
  throw new ProtoNotFoundError(`cannot find the plugin protocol definitions; looked in ${candidates.join(", ")}`);
}

export interface ServiceDefinitions {
  provider: grpc.ServiceDefinition;
  controller: grpc.ServiceDefinition;
  stdio: grpc.ServiceDefinition;
  broker: grpc.ServiceDefinition;
  health: grpc.ServiceDefinition;
}

export function loadServices(grpcModule: typeof grpc): ServiceDefinitions {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const protoLoader = require("@grpc/proto-loader") as typeof import("@grpc/proto-loader");
  const dir = protoDir();
  const definition = protoLoader.loadSync(
    PROTO_FILES.map((f) => path.join(dir, f)),
    // keepCase: field names as in the .proto; int64 as JS numbers; no defaults
    // filled in, so absent DynamicValues stay absent.
    { keepCase: true, longs: Number, enums: Number, defaults: false, oneofs: true },
  );
  const loaded = grpcModule.loadPackageDefinition(definition) as unknown as {
    tfplugin6: { Provider: grpc.ServiceClientConstructor };
    plugin: { GRPCController: grpc.ServiceClientConstructor; GRPCStdio: grpc.ServiceClientConstructor; GRPCBroker: grpc.ServiceClientConstructor };
    grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } };
  };
  return {
    provider: loaded.tfplugin6.Provider.service,
    controller: loaded.plugin.GRPCController.service,
    stdio: loaded.plugin.GRPCStdio.service,
    broker: loaded.plugin.GRPCBroker.service,
    health: loaded.grpc.health.v1.Health.service,
  };
}
