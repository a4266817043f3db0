/**
 * What srv6-protect can leave on a lab router, as comparable text: our
 * routes (proto 214), tunsrc, our directories and the boot hook, tc filters, pinned maps, and
 * processes of the router other than sshd (the probe sender).
 */
import type { TestLab } from "../helpers/lab";

const SCRIPT = `
echo "## routes proto 214"; ip -6 route show table all proto 214 | sort
echo "## tunsrc"; ip sr tunsrc show
echo "## files"; find /var/lib/srv6-protect /run/srv6-protect /etc/local.d/srv6-protect.start /etc/systemd/system/srv6-protect-boot.service 2>/dev/null | sort
echo "## tc"; for i in $(ls /sys/class/net | sort); do echo "$i:"; tc filter show dev $i egress; tc filter show dev $i ingress; done
echo "## pinned"; find /sys/fs/bpf -mindepth 1 2>/dev/null | sort
echo "## processes"; for p in /proc/[0-9]*; do [ "$(readlink $p/ns/net)" = "$(readlink /proc/self/ns/net)" ] && [ $p != /proc/$$ ] && tr '\\0\\n' '  ' < $p/cmdline && echo; done | grep -v '^ *$\\|sshd\\|^tr \\|^sort\\|^readlink\\|^grep\\|^sh -c' | sort
`;

export async function routerFootprint(lab: TestLab, router: string): Promise<string> {
  return lab.sh(router, SCRIPT);
}
