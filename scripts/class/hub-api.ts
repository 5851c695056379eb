// JupyterHub's REST API, as the instructor's service (its token is in the
// class's settings) or as the idle culler: every request has a deadline.

export interface HubServer {
  name: string;
  ready: boolean;
  pending: string | null;
  started: string | null;
  last_activity: string | null;
  url: string;
}
export interface HubUser {
  name: string;
  admin: boolean;
  server: string | null;
  pending: string | null;
  last_activity: string | null;
  servers?: Record<string, HubServer>;
}

export class HubError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
  }
}

export class HubApi {
  /** `base`: the hub's API, such as http://127.0.0.1:8000/hub/api. */
  constructor(readonly base: string, private readonly token: string, private readonly timeoutMs = 15_000) {}

  async request<T>(method: string, path: string, body?: unknown, okStatuses: number[] = []): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.base + path, {
        method,
        headers: { Authorization: `token ${this.token}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new HubError(`the hub at ${this.base} did not answer ${method} ${path}: ${(err as Error).message} (is npm run class running?)`);
    }
    const text = await res.text();
    if (!res.ok && !okStatuses.includes(res.status)) {
      let message = text;
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? text;
      } catch {
        /* not JSON */
      }
      throw new HubError(`the hub refused ${method} ${path}: ${res.status} ${message}`, res.status);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  users(): Promise<HubUser[]> {
    return this.request<HubUser[]>("GET", "/users");
  }

  user(name: string): Promise<HubUser> {
    return this.request<HubUser>("GET", `/users/${encodeURIComponent(name)}`);
  }

  /** Start a student's server (as their login would) and wait (deadline `waitMs`) until it is ready. */
  async startServer(name: string, waitMs = 90_000): Promise<void> {
    // 400: it is running already.
    await this.request("POST", `/users/${encodeURIComponent(name)}/server`, undefined, [400]);
    const deadline = Date.now() + waitMs;
    while (!(await this.user(name)).servers?.[""]?.ready) {
      if (Date.now() > deadline) throw new HubError(`${name}'s server is not ready after ${waitMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** A new API token of a student's, for their own server's REST API and kernels. */
  async tokenFor(name: string, note: string, expiresInS = 3600): Promise<string> {
    return (await this.request<{ token: string }>("POST", `/users/${encodeURIComponent(name)}/tokens`, { note, expires_in: expiresInS })).token;
  }

  /** Ask the hub to stop a student's server and wait (deadline `waitMs`) until it has. */
  async stopServer(name: string, waitMs = 60_000): Promise<void> {
    await this.request("DELETE", `/users/${encodeURIComponent(name)}/server`, undefined, [400]);
    const deadline = Date.now() + waitMs;
    for (;;) {
      const u = await this.user(name);
      if (!u.server && !u.pending) return;
      if (Date.now() > deadline) throw new HubError(`${name}'s server has not stopped after ${waitMs / 1000} s (pending: ${u.pending})`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
