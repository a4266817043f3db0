/**
 * The baseline's FRR (zebra, bfdd, ospf6d) inside one lab router, started and
 * stopped by the lab's FRR module (lab/routing/frr/daemons.ts) under a
 * directory of its own in the router's private /tmp, apart from the
 * directory an OSPF-routed lab's IGP uses.
 */
import type { BenchLab } from "../../lab";
import type { FrrRouterConfig } from "./config";
import * as frr from "../../../lab/routing/frr/daemons";

/** Inside the router's private /tmp (its own mount namespace). */
export const FRR_DIR = "/tmp/s6bn-frr";
/** Start order; stopped in reverse. */
export const FRR_DAEMONS = ["zebra", "bfdd", "ospf6d"] as const;
export type FrrDaemon = (typeof FRR_DAEMONS)[number];

function execOn(lab: BenchLab, router: string): frr.RouterExec {
  return (argv, opts = {}) => lab.exec(router, argv, { ...opts, allowFailure: true });
}

function instance(router: string, config?: FrrRouterConfig): frr.FrrInstance {
  return { router, dir: FRR_DIR, configs: new Map(FRR_DAEMONS.map((d) => [d, config?.[d] ?? ""])) };
}

export function startFrr(lab: BenchLab, router: string, config: FrrRouterConfig): Promise<void> {
  return frr.startFrr(execOn(lab, router), instance(router, config));
}

/** Never throws: returns what it could not do, so cleanup carries on past failures. */
export function stopFrr(lab: BenchLab, router: string): Promise<string[]> {
  return frr.stopFrr(execOn(lab, router), instance(router));
}

export function vtysh(lab: BenchLab, router: string, command: string): Promise<string> {
  return frr.vtysh(execOn(lab, router), { router, dir: FRR_DIR }, command);
}

export function readFrrLog(lab: BenchLab, router: string, daemon: FrrDaemon): Promise<string> {
  return frr.readFrrLog(execOn(lab, router), { dir: FRR_DIR }, daemon);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
