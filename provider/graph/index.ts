/** `srv6 graph`: the synthesized network as an SVG picture. See docs/graph.md. */
import type { DesiredState } from "../state";
import type { PhysicalTopology } from "../../model/topology";
import { buildModel, type NetworkModel } from "./model";
import { backupPaths, type BackupPath } from "./backup-paths";
import { renderSvg } from "./svg";
import { GraphInputError } from "./errors";

export { GraphInputError } from "./errors";
export { readCoverage, coverageRows } from "./coverage";
export type { NetworkModel } from "./model";
export type { BackupPath } from "./backup-paths";

export interface GraphRequest {
  readonly state: DesiredState;
  /** The physical topology (e.g. a lab topology plan), when a topology file was given. */
  readonly topology?: PhysicalTopology;
  readonly topologyFile?: string;
  /** Name of the protected link whose backup paths to draw. */
  readonly link?: string;
}

export interface GraphResult {
  readonly model: NetworkModel;
  readonly paths: BackupPath[];
  readonly svg: string;
}

export function networkGraph(req: GraphRequest): GraphResult {
  const { state, link } = req;
  if (link !== undefined && !state.links.some((l) => l.name === link)) {
    const known = state.links.map((l) => l.name).join(", ") || "(none)";
    throw new GraphInputError("srv6 graph", "--link", link, `no srv6_protected_link of that name in the stack; known: ${known}`);
  }
  const model = buildModel(state, req.topology);
  const paths = link === undefined ? [] : backupPaths(state, model, link);
  const routers = model.routers.length;
  const title = link === undefined ? `srv6-protect: ${routers} routers, ${state.links.length} protected link(s)` : `srv6-protect: backup paths if ${link} fails`;
  const subtitle = req.topologyFile
    ? `stack ${state.source ?? ""} \u00b7 links and metrics from ${req.topologyFile}`
    : `stack ${state.source ?? ""} \u00b7 links from the stack only; add --topology FILE for every link and metric`;
  return { model, paths, svg: renderSvg(model, { title, subtitle, failedLink: link, paths }) };
}
