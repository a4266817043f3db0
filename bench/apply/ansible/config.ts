/**
 * ansible.cfg for the two Ansible set-ups measured, and the environment that
 * keeps every Ansible file (config, home, local temp, SSH control sockets)
 * under the benchmark's private directory instead of ~/.ansible.
 */
import { join } from "node:path";

export type AnsibleVariant = "default" | "tuned" | "batched";

/** Module files on the routers: their /tmp (a lab router's private tmpfs, mode 1777, so the sudo user can write too). */
export const REMOTE_TMP = "/tmp/.ansible-srv6-bench";

/**
 * default: Ansible 2.14's defaults where they matter for speed: forks 5,
 *   no pipelining, its default ssh_args (ControlMaster=auto,
 *   ControlPersist=60s: connections are shared between the tasks of one run).
 * tuned: forks = number of routers, pipelining, ControlPersist 30 min (the
 *   benchmark keeps those masters warm between runs, also while the other
 *   systems take their turn).
 * batched: tuned's settings, with the batched playbook (batched.ts) and its
 *   plays' `strategy: free`.
 */
export function ansibleCfg(variant: AnsibleVariant, dir: string, routers: number): string {
  const fast = variant !== "default";
  const lines = [
    "[defaults]",
    `forks = ${fast ? routers : 5}`,
    "host_key_checking = True",
    "retry_files_enabled = False",
    "interpreter_python = /usr/bin/python3",
    `local_tmp = ${join(dir, "local-tmp")}`,
    `remote_tmp = ${REMOTE_TMP}`,
    "nocolor = True",
    "",
    "[ssh_connection]",
    `control_path_dir = ${join(dir, "cp")}`,
    `pipelining = ${fast ? "True" : "False"}`,
  ];
  if (fast) lines.push("ssh_args = -C -o ControlMaster=auto -o ControlPersist=30m");
  return `${lines.join("\n")}\n`;
}

/** Environment for ansible-playbook: only this directory's config, home and temp. */
export function ansibleEnv(dir: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin",
    HOME: process.env.HOME ?? "/root",
    LANG: "C.UTF-8",
    ANSIBLE_CONFIG: join(dir, "ansible.cfg"),
    ANSIBLE_HOME: join(dir, "home"),
    ANSIBLE_LOCAL_TEMP: join(dir, "local-tmp"),
    ANSIBLE_NOCOLOR: "1",
  };
}
