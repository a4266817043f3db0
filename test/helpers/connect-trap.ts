/** Counts every outgoing socket connect this process makes, so a test can prove no router was contacted. */
import net from "node:net";

export function trapConnects(): { readonly count: () => number; readonly restore: () => void } {
  let attempts = 0;
  const original = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function trapped(this: net.Socket, ...args: unknown[]) {
    attempts++;
    return (original as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof net.Socket.prototype.connect;
  return { count: () => attempts, restore: () => { net.Socket.prototype.connect = original; } };
}
