/** The generated Ansible side: options, YAML, playbook variables, recap parsing. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { parseApplyOptions } from "../../bench/apply/options";
import { BenchUsageError } from "../../bench/benchmark";
import { toYaml } from "../../bench/apply/ansible/yaml";
import { hostVars, sitePlaybook } from "../../bench/apply/ansible/playbook";
import { ansibleCfg } from "../../bench/apply/ansible/config";
import { parseRecap } from "../../bench/apply/ansible/recap";
import { batchedPlaybook, shellLine, shellWord } from "../../bench/apply/ansible/batched";
import type { DataplanePlan, RouterCommand } from "../../provider/dataplane/types";
import { installCommands, type Operation } from "../../provider/dataplane/operations";

test("options: defaults 5 runs, --quick 3, --runs N wins; bad values are usage errors", () => {
  assert.equal(parseApplyOptions([]).runs, 5);
  assert.equal(parseApplyOptions(["--quick"]).runs, 3);
  assert.equal(parseApplyOptions(["--quick", "--runs", "1"]).runs, 1);
  assert.deepEqual(parseApplyOptions(["--systems", "ansible-tuned,srv6-protect"]).systems, ["srv6-protect", "ansible-tuned"]);
  const o = parseApplyOptions([]);
  assert.match(o.labName, /^ba[a-z0-9]{6}$/);
  assert.match(o.mgmtSubnet, /^198\.18\.\d+\.0\/24$/);
  for (const bad of [["--runs", "0"], ["--runs", "1.5"], ["--systems", "chef"], ["--lab", "much-too-long"], ["--mgmt-subnet", "10.0.0.0/24"], ["--nope"]]) {
    assert.throws(() => parseApplyOptions(bad), BenchUsageError, bad.join(" "));
  }
});

test("yaml: strings stay strings whatever they look like (PyYAML reads them back verbatim)", () => {
  const value = { a: ["yes", "1", "0644", "null", "- x", "key: v", "[1,2]", "quote\"back\\slash\nnl"], b: { c: true, d: 5, e: [] } };
  const text = toYaml(value);
  const back = execFileSync("python3", ["-c", "import sys,yaml,json; print(json.dumps(yaml.safe_load(sys.stdin)))"], { input: text, encoding: "utf8" });
  assert.deepEqual(JSON.parse(back), value);
});

const cmd = (stage: RouterCommand["stage"], argv: string[], description: string, input?: string): RouterCommand =>
  ({ stage, argv, resource: "x", description, ...(input !== undefined ? { input } : {}) });
const base = { resource: "x", usesFiles: false, remove: [] };
const operations: Operation[] = [
  { ...base, kind: "sysctls", key: "sysctls", stage: "sids", description: "sysctls", values: [["net.ipv6.conf.all.forwarding", "1"], ["net.ipv6.conf.eth1.seg6_enabled", "1"]],
    install: [cmd("sids", ["sysctl", "-q", "-w", "net.ipv6.conf.all.forwarding=1", "net.ipv6.conf.eth1.seg6_enabled=1"], "sysctls")] },
  { ...base, kind: "route", key: "route fc00:0:1:1::/128", stage: "sids", description: "End", route: { dst: "fc00:0:1:1::/128", dev: "eth1", encap: { type: "seg6local", action: "End", count: false } },
    install: [cmd("sids", ["ip", "-6", "route", "replace", "fc00:0:1:1::/128", "proto", "214", "encap", "seg6local", "action", "End", "dev", "eth1"], "End")] },
  { ...base, kind: "maps", key: "maps", stage: "local", description: "maps", sync: [], retainKeys: [],
    install: [cmd("local", ["python3", "/var/lib/srv6-protect/bin/srv6p-maps.py", "apply"], "maps", "[{\"op\":\"sync\"}]")] },
  { ...base, kind: "probe-sender", key: "probe-sender", stage: "probes", description: "sender", runner: { type: "supervised", pidfile: "/run/srv6-protect/probe-sender.pid" }, install: [cmd("probes", ["python3", "probe-sender.py", "start"], "sender")] },
];
const plan: DataplanePlan = {
  router: "r1",
  operations,
  files: [{ localPath: "dist/bpf/monitor.bpf.o", remotePath: "/var/lib/srv6-protect/bpf/monitor.bpf.o", mode: 0o644 }],
  install: installCommands(operations),
  remove: [],
  probeConfig: { probes: [] },
};

test("hostVars: sysctl keys split for ansible.posix.sysctl, commands by stage, stdin kept", () => {
  const v = hostVars("r1", plan) as Record<string, unknown>;
  assert.deepEqual(v.srv6_sysctls, [{ name: "net.ipv6.conf.all.forwarding", value: "1" }, { name: "net.ipv6.conf.eth1.seg6_enabled", value: "1" }]);
  assert.deepEqual(v.srv6_dirs, ["/var/lib/srv6-protect/bpf"]);
  assert.deepEqual((v.srv6_files as { mode: string }[])[0]!.mode, "0644");
  assert.deepEqual((v.srv6_sid_commands as { argv: string[] }[]).map((c) => c.argv[0]), ["ip"]);
  assert.deepEqual(v.srv6_local_commands, [{ argv: ["python3", "/var/lib/srv6-protect/bin/srv6p-maps.py", "apply"], stdin: "[{\"op\":\"sync\"}]", label: "maps" }]);
  assert.equal((v.srv6_probe_commands as unknown[]).length, 1);
});

test("hostVars: refuses Jinja2 syntax that Ansible would evaluate", () => {
  const templated = (op: Operation): Operation => ({ ...op, install: [{ ...op.install[0]!, argv: ["ip", "{{ lookup('pipe', 'id') }}"] }] });
  const bad: DataplanePlan = { ...plan, operations: plan.operations.map((op, i) => (i === 1 ? templated(op) : op)) };
  assert.throws(() => hostVars("r1", bad), /r1.*Jinja2|Jinja2.*r1/s);
});

test("playbook: stdin goes through | string, so JSON input is not turned into a list", () => {
  const text = toYaml(sitePlaybook());
  assert.match(text, /stdin: "\{\{ item\.stdin \| default\(omit\) \| string \}\}"/);
  assert.match(text, /gather_facts: false/);
});

test("ansible.cfg: default keeps forks 5 and no pipelining; tuned sets forks, pipelining, ControlPersist", () => {
  const d = ansibleCfg("default", "/tmp/x", 9);
  assert.match(d, /^forks = 5$/m);
  assert.match(d, /^pipelining = False$/m);
  assert.doesNotMatch(d, /ssh_args/);
  const t = ansibleCfg("tuned", "/tmp/x", 9);
  assert.match(t, /^forks = 9$/m);
  assert.match(t, /^pipelining = True$/m);
  assert.match(t, /ControlPersist=30m/);
  assert.match(t, /^control_path_dir = \/tmp\/x\/cp$/m);
});

test("parseRecap: per host counts from the last PLAY RECAP", () => {
  const out = "PLAY [x]\n\nPLAY RECAP *****\nr1                         : ok=6    changed=6    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0   \nr5 : ok=2 changed=1 unreachable=1 failed=1 skipped=3\n";
  assert.deepEqual(parseRecap(out), [
    { host: "r1", ok: 6, changed: 6, unreachable: 0, failed: 0, skipped: 0 },
    { host: "r5", ok: 2, changed: 1, unreachable: 1, failed: 1, skipped: 3 },
  ]);
  assert.deepEqual(parseRecap("no recap"), []);
});

test("batched Ansible: one archive and one script per stage per router, quoted word by word; three plays, strategy free", () => {
  assert.equal(shellWord("it's; rm -rf /"), `'it'\\''s; rm -rf /'`);
  assert.equal(shellLine({ argv: ["ip", "-6", "route", "replace", "2001:db8::/64"], input: undefined }), "'ip' '-6' 'route' 'replace' '2001:db8::/64'");
  assert.equal(shellLine({ argv: ["python3", "x.py", "load"], input: "{\"k\": \"it's\"}\n" }), `printf '%s' '{"k": "it'\\''s"}\n' | 'python3' 'x.py' 'load'`);
  const plays = batchedPlaybook() as { strategy: string; tasks: Record<string, unknown>[] }[];
  assert.equal(plays.length, 3, "one play per stage: the barrier across routers");
  assert.ok(plays.every((p) => p.strategy === "free"));
  assert.deepEqual(plays.map((p) => p.tasks.map((t) => Object.keys(t).find((k) => k.startsWith("ansible.")))), [["ansible.builtin.unarchive", "ansible.builtin.script"], ["ansible.builtin.script"], ["ansible.builtin.script"]]);
  assert.match(ansibleCfg("batched", "/tmp/x", 9), /forks = 9\n[\s\S]*pipelining = True\nssh_args = -C -o ControlMaster=auto -o ControlPersist=30m/);
});
