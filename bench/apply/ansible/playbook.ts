/**
 * An idiomatic Ansible playbook and inventory pushing exactly what the
 * engine's rendered plans (DataplanePlan) install: the same files (copy),
 * sysctls (ansible.posix.sysctl), and commands (command with argv, stdin
 * where the command reads input), in the same cross-router order. Ansible's
 * linear strategy finishes a task on every host before the next, so "SIDs
 * on every router before any probe" holds like the engine's barrier.
 */
import { dirname, join } from "node:path";
import type { DataplanePlan, RouterCommand } from "../../../provider/dataplane/types";
import { PACKAGE_ROOT } from "../../../provider/engine/router-scripts";
import type { Inventory } from "../../../lab";
import { BenchError } from "../../errors";
import type { YamlValue } from "./yaml";

/** Where ansible.posix.sysctl records the values it set: the router's private /tmp (a lab router mounts its own tmpfs there). */
export const SYSCTL_FILE = "/tmp/srv6-bench-sysctl.conf";

interface CommandItem {
  readonly argv: readonly string[];
  readonly stdin?: string;
  readonly label: string;
  readonly [key: string]: YamlValue | undefined;
}

/**
 * Ansible renders variables as Jinja2 templates; a value with template
 * syntax would be evaluated, not passed on. The engine never renders such
 * text, so meeting one is a bug worth stopping for.
 */
function refuseTemplates(router: string, what: string, value: string): string {
  if (/\{\{|\{%|\{#/.test(value)) throw new BenchError(`${what} contains Jinja2 template syntax; Ansible would evaluate it: ${JSON.stringify(value.slice(0, 80))}`, { node: router });
  return value;
}

function commandItem(router: string, c: RouterCommand): CommandItem {
  return {
    argv: c.argv.map((a) => refuseTemplates(router, `argv of '${c.description}'`, a)),
    ...(c.input !== undefined ? { stdin: refuseTemplates(router, `stdin of '${c.description}'`, c.input) } : {}),
    label: c.description,
  };
}

/** Per-router variables: the plan split by module and stage (the sysctls op becomes one ansible.posix.sysctl item per key). */
export function hostVars(router: string, plan: DataplanePlan): Record<string, YamlValue> {
  const stage = (s: RouterCommand["stage"]) => plan.operations.filter((op) => op.stage === s && op.kind !== "sysctls").flatMap((op) => op.install).map((c) => commandItem(router, c));
  return {
    srv6_dirs: [...new Set(plan.files.map((f) => dirname(f.remotePath)))].sort(),
    srv6_files: plan.files.map((f) => ({
      src: join(PACKAGE_ROOT, f.localPath),
      dest: refuseTemplates(router, "file destination", f.remotePath),
      mode: `0${f.mode.toString(8)}`,
    })),
    srv6_sysctls: plan.operations.flatMap((op) => (op.kind === "sysctls" ? op.values : []))
      .map(([k, v]) => ({ name: refuseTemplates(router, "sysctl key", k), value: refuseTemplates(router, "sysctl value", v) })),
    srv6_sid_commands: stage("sids"),
    srv6_local_commands: stage("local"),
    srv6_probe_commands: stage("probes"),
  };
}

/** The lab's routers as an Ansible inventory (group `routers`), with each router's plan as host variables. */
export function ansibleInventory(inventory: Inventory, plans: ReadonlyMap<string, DataplanePlan>, varsOf: (router: string, plan: DataplanePlan) => Record<string, YamlValue> = hostVars): YamlValue {
  const hosts: Record<string, YamlValue> = {};
  for (const [router, plan] of plans) {
    const r = inventory.routers[router];
    if (!r) throw new BenchError(`lab '${inventory.lab}' has no router '${router}'`);
    hosts[router] = {
      ansible_host: r.host,
      ansible_port: r.port,
      ansible_user: r.user,
      ansible_ssh_private_key_file: r.privateKeyFile,
      ansible_ssh_common_args: `-o StrictHostKeyChecking=yes -o UserKnownHostsFile=${r.knownHostsFile}`,
      ansible_python_interpreter: "/usr/bin/python3",
      ...(r.sudo ? { ansible_become: true, ansible_become_method: "sudo" } : {}),
      ...varsOf(router, plan),
    };
  }
  return { all: { children: { routers: { hosts } } } };
}

// `| string` keeps stdin text as text: without it Ansible turns a string that
// looks like a list or dict (the maps' JSON) into one and feeds its repr.
const commandTask = (name: string, list: string): YamlValue => ({
  name,
  "ansible.builtin.command": { argv: "{{ item.argv }}", stdin: "{{ item.stdin | default(omit) | string }}", stdin_add_newline: false },
  loop: `{{ ${list} }}`,
  loop_control: { label: "{{ item.label }}" },
});

/** The playbook: directories, files, sysctls, then the commands stage by stage. */
export function sitePlaybook(): YamlValue {
  return [{
    name: "srv6-protect dataplane, as rendered by the engine",
    hosts: "routers",
    gather_facts: false,
    tasks: [
      {
        name: "State directories",
        "ansible.builtin.file": { path: "{{ item }}", state: "directory", mode: "0755" },
        loop: "{{ srv6_dirs }}",
      },
      {
        name: "eBPF objects and router scripts",
        "ansible.builtin.copy": { src: "{{ item.src }}", dest: "{{ item.dest }}", mode: "{{ item.mode }}" },
        loop: "{{ srv6_files }}",
        loop_control: { label: "{{ item.dest }}" },
      },
      {
        name: "Forwarding and SRv6 sysctls",
        "ansible.posix.sysctl": { name: "{{ item.name }}", value: "{{ item.value }}", sysctl_set: true, reload: false, sysctl_file: SYSCTL_FILE },
        loop: "{{ srv6_sysctls }}",
        loop_control: { label: "{{ item.name }}" },
      },
      commandTask("SIDs (before anything points at them)", "srv6_sid_commands"),
      commandTask("Monitors, maps and protected routes", "srv6_local_commands"),
      commandTask("Probe sender", "srv6_probe_commands"),
    ],
  }];
}
