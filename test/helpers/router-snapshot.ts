/**
 * Everything srv6-protect could leave on a lab router, as text: routes of
 * every table, tunsrc, SRv6 sysctls, files under our directories and the boot
 * hook (either init system's), tc filters and qdiscs, pinned maps, and
 * processes other than sshd.
 */
import type { TestLab } from "./lab";

const SCRIPT = `
echo "## routes"; ip -6 route show table all | grep -v '^local\\|^multicast\\|^anycast' | sort
echo "## tunsrc"; ip sr tunsrc show
echo "## sysctl"; sysctl net.ipv6.conf.all.seg6_enabled net.ipv6.conf.all.forwarding; for f in /proc/sys/net/ipv6/neigh/eth*/retrans_time_ms /proc/sys/net/ipv6/conf/eth*/seg6_enabled; do echo "$f $(cat $f)"; done
echo "## files"; find /var/lib/srv6-protect /run/srv6-protect /etc/local.d/srv6-protect.start /etc/systemd/system/srv6-protect-boot.service 2>/dev/null | sort
echo "## tc"; for i in $(ls /sys/class/net); do tc qdisc show dev $i | grep -v 'noqueue\\|mq\\|fq_codel\\|pfifo' ; tc filter show dev $i egress; tc filter show dev $i ingress; done
echo "## maps"; find /sys/fs/bpf -mindepth 1 2>/dev/null | grep -v '\\.debug$' | sort
`;

export async function routerSnapshot(lab: TestLab, router: string): Promise<string> {
  const text = await lab.sh(router, SCRIPT);
  // Processes in the router's network namespace, except sshd and this probe itself.
  const procs = await lab.sh(router, `for p in /proc/[0-9]*; do [ "$(readlink $p/ns/net)" = "$(readlink /proc/self/ns/net)" ] && tr '\\0' ' ' < $p/cmdline && echo; done; true`);
  const others = procs.split("\n").filter((l) => l.trim() && !/^(sshd|\/usr\/sbin\/sshd|sh -c|tr |sort|readlink|grep)/.test(l)).sort();
  return `${text}## processes\n${others.join("\n")}\n`;
}
