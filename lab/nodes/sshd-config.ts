/** sshd configuration of a lab router: key-only, its own host key, on the management address. */
export function sshdConfig(opts: { listen: string; hostKey: string; pidFile: string; authorizedKeys: string }): string {
  return [
    `ListenAddress ${opts.listen}:22`,
    `HostKey ${opts.hostKey}`,
    `PidFile ${opts.pidFile}`,
    `AuthorizedKeysFile ${opts.authorizedKeys}`,
    "PubkeyAuthentication yes",
    "PasswordAuthentication no",
    "KbdInteractiveAuthentication no",
    "PermitRootLogin prohibit-password",
    "UsePAM no",
    // The key file lives in the lab's state directory, owned by root.
    "StrictModes no",
    "AllowUsers root srv6ops",
    // The engine and tests open many sessions at once; don't throttle them.
    "MaxStartups 200:30:400",
    "MaxSessions 200",
    "UseDNS no",
    "LogLevel ERROR",
    "Subsystem sftp internal-sftp",
    "",
  ].join("\n");
}
