/**
 * The instructor's class, as data: the class folder's files, its configuration, the records of its event
 * log, and the listener's HTTP interface. Plain types and constants, shared by the class commands, the
 * listener, the class view and the student's lab (`--class HOST:PORT`).
 */

/** The files of a class folder (`class init --dir DIR`): private to its owner (0700 folder, 0600 files). */
export const classFiles = {
	/** ClassConfig as JSON. */
	config: 'class.json',
	/** `username:bcrypt` lines for the registry (and the listener's first report); Hub class: the join codes' hashes. */
	htpasswd: 'htpasswd',
	/** `username,password` (Hub class: `username,join code`), one row per student, roster order. */
	accounts: 'accounts.csv',
	/** The sheet to hand out: one slip per student. */
	sheet: 'accounts.md',
	/** The distribution registry's configuration (src/class/registry-config.ts). */
	registryConfig: 'registry.yml',
	/** The registry's storage. */
	storage: 'storage',
	/** One JSON line per ClassRecord, appended by the listener. */
	events: 'events.jsonl',
	/** What the listener refused and why, one line each (sanitised). */
	listenerLog: 'listener.log',
	/** The registry's own output while `class up` runs it. */
	registryLog: 'registry.log',
	/** RunningClass as JSON while the class is up. */
	running: 'running.json',
	/** `class up --tls`: the self-signed certificate (ca.crt, given to students) and its key. */
	tlsDir: 'tls',
} as const;

/** The account the class commands use to read the registry (catalog, tags); never on the sheet, never a student. */
export const instructorAccount = 'instructor';

export type ClassKind = 'registry' | 'hub';

/** class.json. Secrets live here (the folder is private), never in the event log or on screen. */
export type ClassConfig = {
	readonly version: 1;
	readonly kind: ClassKind;
	/** Shown on the sheet and the dashboard: the folder's name unless --name. */
	readonly name: string;
	/** The lesson the class runs (a bundled lesson's id). */
	readonly lesson: string;
	/** The address students use to reach this machine: a host name or IP address. */
	readonly address: string;
	/** What the registry and the listener listen on (0.0.0.0: every interface). */
	readonly bind: string;
	/** The registry's port (a registry class). */
	readonly port: number;
	/** The listener's port: what students type in `--class HOST:PORT`. */
	readonly listenerPort: number;
	/** `class up --tls`: the registry speaks HTTPS with the certificate in tls/. */
	readonly tls: boolean;
	/** Sent by the registry in `Authorization: Bearer SECRET` with each notification. */
	readonly notifySecret: string;
	/** The registry's http.secret, the same for every replica. */
	readonly httpSecret: string;
	/** The instructor's own account on the class registry (registry class). */
	readonly instructorPassword: string;
};

/** running.json: what `class up` started, for `class down` and a second `class up`. */
export type RunningClass = {
	readonly startedAt: string;
	readonly registry?: {readonly pid?: number; readonly container?: string; readonly engine?: string; readonly port: number};
	readonly listener: {readonly pid: number; readonly port: number};
};

/** What a step of a student's lab ended as. */
export type ReportOutcome = 'pass' | 'fail' | 'unknown';

/** One report as the student's lab sends it (never command output, never a password). */
export type Report = {
	/** Random, made by the lab: a report sent twice is kept once. */
	readonly id: string;
	readonly lesson: string;
	/** The step's id. */
	readonly step: string;
	readonly outcome: ReportOutcome;
	/** The diagnosis cause when the step failed (one of src/lesson/results.ts causes), or why it could not be checked. */
	readonly cause?: string;
	/** When it happened on the student's machine (ISO 8601). */
	readonly at: string;
};

/** A line of events.jsonl. */
export type ClassRecord = RegistryRecord | ReportRecord | SessionRecord;

/** A manifest event from the registry's notifications (blob events are not kept). */
export type RegistryRecord = {
	readonly type: 'registry';
	/** The registry's event id (deduplicated: delivery is at least once, and replicas may both send). */
	readonly id: string;
	readonly at: string;
	readonly action: 'push' | 'pull';
	/** The account that did it (actor.name); '' when anonymous. */
	readonly actor: string;
	readonly repository: string;
	readonly tag?: string;
	readonly digest: string;
	/** request.method: GET, HEAD, PUT. */
	readonly method: string;
	/** source.instanceID: which registry process sent it. */
	readonly instance?: string;
};

/** A student's report, with the account the listener took it from. */
export type ReportRecord = Report & {readonly type: 'report'; readonly username: string; readonly received: string};

/** A report token was given to a student (only its SHA-256 is kept). */
export type SessionRecord = {
	readonly type: 'session';
	readonly id: string;
	readonly at: string;
	readonly username: string;
	readonly tokenHash: string;
};

/**
 * The listener's HTTP interface.
 * - `GET /health` → 200 `{ok: true, name}`
 * - `GET /class` → 200 ClassInfo
 * - `POST /reports` with `{reports: Report[]}` (1..maxReportsPerPost): the first with
 *   `Authorization: Basic base64(username:password)` (Hub class: the join code), later ones with
 *   `Authorization: Bearer TOKEN`. 200 `{accepted: n, token?}`; 400 malformed, 401 credentials or token,
 *   413 too large, 429 too many (Retry-After).
 * - `POST /events`: the registry's notifications, with `Authorization: Bearer notifySecret`. 200; 401 without it.
 */
export const listenerPaths = {health: '/health', info: '/class', reports: '/reports', events: '/events'} as const;

/** What `GET /class` answers: where the class registry is and what lesson it runs. */
export type ClassInfo = {
	readonly name: string;
	readonly kind: ClassKind;
	/** `host:port` of the class registry; 'docker.io' for a Hub class. */
	readonly registry: string;
	readonly lesson: string;
	/** The registry speaks HTTPS with the class's own certificate. */
	readonly tls: boolean;
};

export const listenerLimits = {
	/** Bytes of a POST /reports body. */
	reportsBody: 32 * 1024,
	maxReportsPerPost: 50,
	/** Bytes of a POST /events body (the registry sends one event per POST in practice). */
	eventsBody: 1024 * 1024,
} as const;
