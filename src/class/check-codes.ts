/**
 * `class check CODE…` and the dashboard's `c`: a student's completion code (src/checks/completion-code.ts) confirmed
 * with what the class itself saw. The registry is asked for the pushed manifest (as the instructor's account; a
 * Docker Hub class: Docker Hub's tag), the event log for the push and the pull by that student. Nothing the student's
 * computer says is taken on trust, except, for a Docker Hub class, the lab's own report of the pull step: Docker Hub
 * tells no one about pulls.
 */
import {decodeCompletionCode, type CompletionClaim} from '../checks/completion-code.js';
import {findLesson} from '../lesson/find.js';
import {stepsFor} from '../lesson/steps.js';
import {createHubClient, type HubClient} from '../registry/hub-client.js';
import {createRegistryClient, type RegistryClient} from '../registry/registry-client.js';
import {classPath} from './class-config-file.js';
import {createLogReader} from './class-log-read.js';
import {readClassCa, classRegistryHost} from './class-scan.js';
import {classAddresses, type OpenedClass} from './class-source.js';
import {classFiles, instructorAccount, type ClassRecord, type RegistryRecord, type ReportRecord} from './class-types.js';

/** One claim of a code and whether the class backs it, in a sentence. */
export type ClaimLine = {readonly ok: boolean; readonly text: string};

export type CheckedCode = {
	/** The code as given (trimmed, at most 200 characters). */
	readonly code: string;
	readonly ok: boolean;
	readonly claim?: CompletionClaim;
	readonly lines: readonly ClaimLine[];
};

/** How far the pull the event log shows may be from the time in the code: the lab's clock is the student's. */
export const pullWindow = {beforeMinutes: 30, afterMinutes: 10} as const;

export type CodeCheckOptions = {
	/** Docker Hub's web API somewhere else (tests: a replay server). */
	readonly hubBaseUrl?: string;
	readonly registryClient?: RegistryClient;
	readonly hubClient?: HubClient;
	/** Per request to the registry or Docker Hub. */
	readonly timeoutMs?: number;
};

/** Codes given as words: a word that starts with RL and a digit starts a code, the words after it (a code pasted with spaces) continue it. */
export function codesOfWords(words: readonly string[]): string[] {
	const codes: string[] = [];
	for (const word of words) {
		if (codes.length === 0 || /^RL\d/i.test(word.trim())) codes.push(word.trim());
		else codes[codes.length - 1] += `-${word.trim()}`;
	}
	return codes.filter(Boolean);
}

/** A checker for one class: each call reads the event log afresh and asks the registry. Never throws. */
export function createCodeChecker(opened: OpenedClass, options: CodeCheckOptions = {}): (code: string) => Promise<CheckedCode> {
	const {config} = opened;
	const timeoutMs = options.timeoutMs ?? 5000;
	let registry: Promise<RegistryClient> | undefined;
	const registryClient = (): Promise<RegistryClient> =>
		(registry ??= (async () => {
			if (options.registryClient) return options.registryClient;
			const ca = config.tls ? await readClassCa(opened.dir) : undefined;
			return createRegistryClient({
				registry: classRegistryHost(config),
				credentials: {username: instructorAccount, password: config.instructorPassword},
				scheme: config.tls ? 'https' : 'http',
				timeoutMs,
				...(ca ? {ca} : {}),
			});
		})());
	const hub = (): HubClient => options.hubClient ?? createHubClient({timeoutMs, ...(options.hubBaseUrl ? {baseUrl: options.hubBaseUrl} : {})});

	return async text => {
		const code = text.trim().slice(0, 200);
		try {
			const decoded = decodeCompletionCode(text);
			if (!decoded.ok) return {code, ok: false, lines: [{ok: false, text: `This code is refused: ${decoded.reason}.`}]};
			const {claim} = decoded;
			const lines = await claimLines(claim, opened, {registryClient, hub});
			return {code, ok: lines.every(line => line.ok), claim, lines};
		} catch (error) {
			return {code, ok: false, lines: [{ok: false, text: `The code could not be checked: ${error instanceof Error ? error.message : String(error)}`}]};
		}
	};
}

type Clients = {readonly registryClient: () => Promise<RegistryClient>; readonly hub: () => HubClient};

async function claimLines(claim: CompletionClaim, opened: OpenedClass, clients: Clients): Promise<ClaimLine[]> {
	const {config} = opened;
	const classRegistry = classAddresses(config).registry;
	const hubClass = config.kind === 'hub';
	if (claim.registry.toLowerCase() !== classRegistry.toLowerCase()) {
		const made = claim.registry === 'docker.io' ? 'Docker Hub' : claim.registry;
		return [
			{
				ok: false,
				text: `This code is from another class: it was made on ${made}, and this class's registry is ${hubClass ? 'Docker Hub' : classRegistry}.`,
			},
		];
	}
	const lines: ClaimLine[] = [];
	if (!opened.students.includes(claim.username)) {
		return [
			{ok: false, text: `${claim.username} is not a student of ${config.name} (not in accounts.csv): this code was not made by one of its accounts.`},
		];
	}
	lines.push({ok: true, text: `${claim.username} is a student of ${config.name}.`});
	lines.push(
		claim.lesson === config.lesson
			? {ok: true, text: `The code is for this class's lesson, ${claim.lesson}.`}
			: {ok: false, text: `The code is for the lesson ${claim.lesson}; this class runs ${config.lesson}.`},
	);
	const read = await createLogReader(classPath(opened.dir, classFiles.events)).read();
	if (read.problem) lines.push({ok: false, text: `The event log could not be read (${read.problem}).`});
	const records = read.records;

	const pushed = onRegistry(claim.pushed, claim.registry);
	if (!pushed) {
		lines.push({ok: false, text: `${claim.pushed} is not an image of this class's registry.`});
	} else if (hubClass) {
		lines.push(await hubPushLine(claim, pushed, clients.hub()));
	} else {
		lines.push(...(await registryPushLines(claim, pushed, records, await clients.registryClient())));
	}
	if (claim.pulled) lines.push(...(await pullLines(claim, claim.pulled, opened, records)));
	return lines;
}

type OnRegistry = {readonly repository: string; readonly tag: string; readonly owner: string};

/** A reference on the code's registry as repository, tag and the namespace it is under; undefined for one from elsewhere. */
function onRegistry(reference: string, registry: string): OnRegistry | undefined {
	const hub = registry === 'docker.io';
	let rest: string;
	if (reference.toLowerCase().startsWith(`${registry.toLowerCase()}/`)) rest = reference.slice(registry.length + 1);
	else if (hub && !/^[^/]*[.:]/.test(reference)) rest = reference;
	else return undefined;
	const colon = rest.lastIndexOf(':');
	const tagged = colon > rest.lastIndexOf('/');
	const repository = tagged ? rest.slice(0, colon) : rest;
	const slash = repository.indexOf('/');
	if (slash <= 0) return undefined;
	return {repository, tag: tagged ? rest.slice(colon + 1) : 'latest', owner: repository.slice(0, slash)};
}

const short = (digest: string): string => `${digest.slice(0, digest.indexOf(':') + 13)}…`;
const when = (iso: string): string => `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

async function registryPushLines(claim: CompletionClaim, pushed: OnRegistry, records: readonly ClassRecord[], client: RegistryClient): Promise<ClaimLine[]> {
	const name = `${pushed.repository}:${pushed.tag}`;
	const lines: ClaimLine[] = [];
	const pushes = records.filter(
		(record): record is RegistryRecord =>
			record.type === 'registry' && record.action === 'push' && record.repository === pushed.repository && record.digest.startsWith(claim.digest),
	);
	const manifest = await client.headManifest(pushed.repository, pushed.tag);
	if (manifest.ok && manifest.digest.startsWith(claim.digest)) {
		lines.push({ok: true, text: `The registry has ${name} at ${short(manifest.digest)}, the digest in the code.`});
	} else if (!manifest.ok && manifest.reason !== 'not-found') {
		lines.push({ok: false, text: `The registry could not be asked about ${name} (${manifest.message}). Is the class up (class up)?`});
	} else {
		// The tag may have moved since (pushed again): the digest itself may still be there, under that repository.
		const full = pushes[0]?.digest;
		const kept = full ? await client.headManifest(pushed.repository, full) : undefined;
		const now = manifest.ok ? `; ${name} is now ${short(manifest.digest)}` : `; the registry has no ${name}`;
		lines.push(
			kept?.ok
				? {
						ok: true,
						text: `The registry has ${short(kept.digest)} under ${pushed.repository}, the digest in the code (pushed again since${now.slice(1)}).`,
					}
				: {
						ok: false,
						text: `The registry has no manifest ${short(claim.digest)} under ${pushed.repository}: that digest was never pushed there${now}.`,
					},
		);
	}
	const byStudent = pushes.find(record => record.actor === claim.username);
	if (byStudent) lines.push({ok: true, text: `The event log has ${claim.username}'s push of ${name} with that digest (${when(byStudent.at)}).`});
	else if (pushes[0])
		lines.push({
			ok: false,
			text: `The event log shows ${pushes[0].actor || 'someone without a login'} pushed that digest to ${pushed.repository}, not ${claim.username}.`,
		});
	else
		lines.push({
			ok: false,
			text:
				`The event log has no push of ${short(claim.digest)} to ${pushed.repository} by ${claim.username} ` +
				'(a push made while the listener was down is not in it).',
		});
	return lines;
}

async function hubPushLine(claim: CompletionClaim, pushed: OnRegistry, hub: HubClient): Promise<ClaimLine> {
	const name = `${pushed.repository}:${pushed.tag}`;
	if (pushed.owner !== claim.username) return {ok: false, text: `${name} is not under ${claim.username}'s account.`};
	const found = await hub.tagExists(pushed.owner, pushed.repository.slice(pushed.owner.length + 1), pushed.tag);
	if (found.status === 'unknown') return {ok: false, text: `Docker Hub could not be asked about ${name}: ${found.message ?? 'no answer'}`};
	if (found.status === 'missing') return {ok: false, text: `Docker Hub has no ${name} (never pushed, deleted, or private).`};
	const digests = found.digests ?? [];
	if (digests.some(digest => digest.startsWith(claim.digest)))
		return {ok: true, text: `Docker Hub has ${name} at ${short(claim.digest)}, the digest in the code.`};
	const now = digests[0] ? ` (it is ${short(digests[0])} now)` : '';
	return {
		ok: false,
		text: `Docker Hub's ${name} is not at ${short(claim.digest)}${now}: that digest was never pushed there, or the tag was pushed again since.`,
	};
}

async function pullLines(claim: CompletionClaim, reference: string, opened: OpenedClass, records: readonly ClassRecord[]): Promise<ClaimLine[]> {
	const pulled = onRegistry(reference, claim.registry);
	if (!pulled) return [{ok: false, text: `${reference} is not an image of this class's registry: the pull the code claims was not from a classmate here.`}];
	const name = `${pulled.repository}:${pulled.tag}`;
	if (pulled.owner === claim.username) return [{ok: false, text: `${name} is ${claim.username}'s own image, not a classmate's.`}];
	const owner: ClaimLine = opened.students.includes(pulled.owner)
		? {ok: true, text: `${name} is a classmate's image (${pulled.owner}).`}
		: {ok: false, text: `${pulled.owner} is not a student of ${opened.config.name}: ${name} is not a classmate's image.`};
	const at = claim.pulledAt ? Date.parse(claim.pulledAt) : undefined;
	const near = (iso: string): boolean => {
		if (at === undefined) return true;
		const time = Date.parse(iso);
		// The code's time is cut to the minute: the pull may be up to a minute after it, and the student's clock may be off.
		return time >= at - pullWindow.beforeMinutes * 60_000 && time <= at + (pullWindow.afterMinutes + 1) * 60_000;
	};
	const said = claim.pulledAt ? ` (the code says ${when(claim.pulledAt)})` : '';
	if (opened.config.kind === 'hub') {
		const step = await pullStep(opened.config.lesson);
		const reports = records.filter(
			(record): record is ReportRecord =>
				record.type === 'report' && record.username === claim.username && record.step === step && record.outcome === 'pass',
		);
		const hidden = 'Docker Hub tells no one about pulls: this is what the student’s own lab reported';
		const report = reports.find(record => near(record.at)) ?? reports[0];
		if (!report) return [owner, {ok: false, text: `${claim.username}'s lab never reported the pull step passing (${hidden}, and it reported nothing).`}];
		if (!near(report.at))
			return [
				owner,
				{ok: false, text: `${claim.username}'s lab reported the pull step passing at ${when(report.at)}, not around the time in the code${said}.`},
			];
		return [owner, {ok: true, text: `${claim.username}'s lab reported the pull step passing at ${when(report.at)}${said}. ${hidden}.`}];
	}
	const pulls = records.filter(
		(record): record is RegistryRecord =>
			record.type === 'registry' &&
			record.action === 'pull' &&
			record.actor === claim.username &&
			record.repository === pulled.repository &&
			(record.tag === undefined || record.tag === pulled.tag),
	);
	const pull = pulls.find(record => near(record.at));
	if (pull) return [owner, {ok: true, text: `The event log has ${claim.username}'s pull of ${name} at ${when(pull.at)}${said}.`}];
	if (pulls[0]) return [owner, {ok: false, text: `${claim.username} pulled ${name} at ${when(pulls[0].at)}, not around the time in the code${said}.`}];
	return [owner, {ok: false, text: `The event log has no pull of ${name} by ${claim.username}: that pull never reached this class's registry.`}];
}

/** The lesson's pull step: the one whose check is classmate-image, else the one whose command pulls. */
async function pullStep(lessonId: string): Promise<string | undefined> {
	const found = await findLesson(lessonId);
	if (!found.ok) return undefined;
	const steps = stepsFor(found.lesson, 'hub');
	return (steps.filter(step => step.check?.type === 'classmate-image').at(-1) ?? steps.filter(step => step.command?.args[0] === 'pull').at(-1))?.id;
}
