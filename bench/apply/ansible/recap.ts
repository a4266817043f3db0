/** Ansible's PLAY RECAP: per host, how many tasks were ok, changed, failed... */
export interface RecapLine {
  readonly host: string;
  readonly ok: number;
  readonly changed: number;
  readonly unreachable: number;
  readonly failed: number;
  readonly skipped: number;
}

/** Parses the recap lines (`r1 : ok=7 changed=5 unreachable=0 failed=0 skipped=0 ...`) of ansible-playbook's default output. */
export function parseRecap(stdout: string): RecapLine[] {
  const at = stdout.lastIndexOf("PLAY RECAP");
  if (at < 0) return [];
  const lines: RecapLine[] = [];
  for (const line of stdout.slice(at).split("\n").slice(1)) {
    const m = /^(\S+)\s+:\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    const counts = Object.fromEntries([...m[2]!.matchAll(/(\w+)=(\d+)/g)].map((x) => [x[1]!, Number(x[2])]));
    lines.push({
      host: m[1]!,
      ok: counts.ok ?? 0,
      changed: counts.changed ?? 0,
      unreachable: counts.unreachable ?? 0,
      failed: counts.failed ?? 0,
      skipped: counts.skipped ?? 0,
    });
  }
  return lines;
}
