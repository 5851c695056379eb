// Why this machine refuses unprivileged user namespaces, said as the one
// sysctl that allows them (the lab's error and the preflight table both say it).
import { readFileSync } from "node:fs";

/** The one line that lets this machine build a lab without root. */
export function userNamespaceFix(): string {
  if (readSysctl("kernel/apparmor_restrict_unprivileged_userns") === "1") {
    return "sudo sysctl kernel.apparmor_restrict_unprivileged_userns=0   (Ubuntu >= 23.10), or run as root";
  }
  if (readSysctl("kernel/unprivileged_userns_clone") === "0") {
    return "sudo sysctl kernel.unprivileged_userns_clone=1, or run as root";
  }
  if (readSysctl("user/max_user_namespaces") === "0") {
    return "sudo sysctl user.max_user_namespaces=15000, or run as root";
  }
  return "run as root, or allow unprivileged user namespaces";
}

function readSysctl(name: string): string | null {
  try {
    return readFileSync(`/proc/sys/${name}`, "utf8").trim();
  } catch {
    return null;
  }
}
